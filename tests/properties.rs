#![cfg(not(target_arch = "wasm32"))]
//! Properties over arbitrary input: sign/verify round-trips, any single-byte change fails,
//! and nothing panics on any header or body.

use atlasbrokers_webhooks::{sign, Error, Webhook, EVENT_TYPES};
use proptest::prelude::*;

fn secret() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..100)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (0..EVENT_TYPES.len()).prop_map(|i| EVENT_TYPES[i].sample_body.as_bytes().to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sign_then_verify_round_trips(secret in secret(), body in body()) {
        let header = sign(&secret, &body);
        prop_assert_eq!(header.len(), 64);
        prop_assert!(header.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        let wh = Webhook::new(&secret).unwrap();
        prop_assert_eq!(wh.verify_signature(&body, Some(&header)), Ok(()));
    }

    #[test]
    fn any_changed_body_byte_fails(secret in secret(), body in body(), at in any::<usize>(), delta in 1u8..=255) {
        prop_assume!(!body.is_empty());
        let header = sign(&secret, &body);
        let mut tampered = body.clone();
        let i = at % body.len();
        tampered[i] = tampered[i].wrapping_add(delta);
        let wh = Webhook::new(&secret).unwrap();
        prop_assert_eq!(wh.verify_signature(&tampered, Some(&header)), Err(Error::SignatureMismatch));
    }

    #[test]
    fn any_changed_signature_digit_fails(secret in secret(), body in body(), at in 0usize..64, delta in 1u8..16) {
        let header = sign(&secret, &body);
        let mut digits: Vec<u8> = header.into_bytes();
        let old = (digits[at] as char).to_digit(16).unwrap() as u8;
        digits[at] = b"0123456789abcdef"[usize::from((old + delta) % 16)];
        let tampered = String::from_utf8(digits).unwrap();
        let wh = Webhook::new(&secret).unwrap();
        prop_assert_eq!(wh.verify_signature(&body, Some(&tampered)), Err(Error::SignatureMismatch));
    }

    #[test]
    fn arbitrary_headers_and_bodies_never_panic(header in any::<Option<String>>(), body in body()) {
        let wh = Webhook::new("s").unwrap();
        match wh.verify_event(&body, header.as_deref()) {
            Ok(_) => prop_assert!(false, "an arbitrary header verified"),
            Err(e) => prop_assert!(Error::CODES.contains(&e.code())),
        }
    }

    #[test]
    fn arbitrary_signed_bodies_never_panic(body in body(), json in any::<String>()) {
        // Signed garbage and signed arbitrary text go all the way through parsing.
        let wh = Webhook::new("s").unwrap();
        for candidate in [body, json.into_bytes()] {
            let header = sign("s", &candidate);
            if let Err(e) = wh.verify_event(&candidate, Some(&header)) {
                prop_assert!(matches!(e.code(), "invalid_json" | "invalid_envelope"), "{:?}", e);
            }
        }
    }

    #[test]
    fn mutated_samples_never_panic(index in 0..EVENT_TYPES.len(), at in any::<usize>(), byte in any::<u8>()) {
        // Near-valid envelopes reach the typed parser with every kind of damage.
        let mut body = EVENT_TYPES[index].sample_body.as_bytes().to_vec();
        let i = at % body.len();
        body[i] = byte;
        let wh = Webhook::new("s").unwrap();
        let header = sign("s", &body);
        if let Err(e) = wh.verify_event(&body, Some(&header)) {
            prop_assert!(matches!(e.code(), "invalid_json" | "invalid_envelope"), "{:?}", e);
        }
    }
}
