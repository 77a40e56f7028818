#![cfg(not(target_arch = "wasm32"))]
//! Properties over arbitrary input: sign/verify round-trips, any single-byte change fails,
//! and nothing panics on any header or body.

use atlasbrokers_webhooks::mac::Software;
use atlasbrokers_webhooks::{sign, Envelope, Error, EventType, Summary, Webhook, EVENT_TYPES};
use proptest::prelude::*;
use serde_json::Value;

fn secret() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..100)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (0..EVENT_TYPES.len()).prop_map(|i| EVENT_TYPES[i].sample_body.as_bytes().to_vec()),
    ]
}

/// An independent reading of the envelope rules over `serde_json::Value`, to check the borrowed
/// fast path (`Summary`) against: `Ok((event, workspaceId, data.id, timestamp))` or
/// `Err(field named)`.
type Reading = Result<(String, String, Option<String>, String), &'static str>;

fn reference(body: &[u8]) -> Reading {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err("json");
    };
    let Value::Object(o) = value else {
        return Err("$");
    };
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let event = text("event").ok_or("event")?;
    let timestamp = o
        .get("timestamp")
        .and_then(Value::as_str)
        .ok_or("timestamp")?
        .to_owned();
    atlasbrokers_webhooks::Timestamp::parse(&timestamp).ok_or("timestamp")?;
    let workspace = text("workspaceId").ok_or("workspaceId")?;
    let Some(Value::Object(data)) = o.get("data") else {
        return Err("data");
    };
    if let Some(t) = EventType::find(&event) {
        t.check_data(data).map_err(|e| match e {
            Error::InvalidEnvelope { field, .. } => field,
            _ => "?",
        })?;
    }
    let id = match data.get("id") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok((event, workspace, id, timestamp))
}

fn summary_reading(body: &[u8]) -> Result<Summary<'_>, &'static str> {
    match Summary::parse(body) {
        Ok(s) => Ok(s),
        Err(Error::InvalidJson { .. }) => Err("json"),
        Err(Error::InvalidEnvelope { field, .. }) => Err(field),
        Err(_) => Err("?"),
    }
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_fast_path_agrees_with_a_value_based_reading(index in 0..EVENT_TYPES.len(), at in any::<usize>(), byte in prop::sample::select(b"\"{}[],:0123456789.-eE nulltrufasIdv\\".to_vec())) {
        let mut body = EVENT_TYPES[index].sample_body.as_bytes().to_vec();
        let i = at % body.len();
        body[i] = byte;
        let text = String::from_utf8_lossy(&body).into_owned();
        match (summary_reading(&body), reference(&body)) {
            (Ok(s), Ok((event, workspace, id, timestamp))) => {
                prop_assert_eq!((s.event(), s.workspace_id(), s.timestamp().as_str()), (&*event, &*workspace, &*timestamp), "{}", text);
                if let Some(id) = id {
                    prop_assert_eq!(s.data_id(), Some(id.as_str()), "{}", text);
                }
                // Envelope::parse is built on the summary: same verdict; its key is the body's digest.
                let key = atlasbrokers_webhooks::delivery_id(&body);
                prop_assert_eq!(Envelope::parse(&body).map(|e| e.idempotency_key().to_owned()).ok(), Some(key));
            }
            (ours, theirs) => {
                prop_assert_eq!(ours.map(|_| ()), theirs.map(|_| ()), "{}", text);
                prop_assert!(Envelope::parse(&body).is_err());
            }
        }
        // The npm package's path (no summary made) reaches the same verdict, error for error.
        let wh = Webhook::new("s").unwrap();
        let header = sign("s", &body);
        let full = wh.verify_summary(&body, Some(&header)).map(drop);
        let checked = wh.verify_with(&body, Some(&header), None, &mut Software);
        prop_assert_eq!(checked, full, "{}", text);
    }
}

/// Any JSON value, with strings over a small alphabet that includes escapes and non-ASCII.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z\"\\\\/\\n\\té🏠\u{1}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{0,4}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn is_syntax_error(body: &[u8]) -> bool {
    matches!(Summary::parse(body), Err(Error::InvalidJson { .. }))
}

/// serde_json's verdict when reading into IgnoredAny (syntax only, like JSON.parse), except
/// that invalid UTF-8, which serde_json skips inside ignored strings, is an error for us: a JS
/// sender cannot produce it, and a JS receiver would silently read U+FFFD.
fn serde_says_syntax_error(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_err()
        || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// The envelope scanner (src/json.rs) tells JSON from not-JSON exactly as serde_json does
    /// (reading into IgnoredAny, which, like JSON.parse, checks syntax only), on serialized
    /// values, pretty or compact, with any one byte replaced from JSON's own alphabet.
    #[test]
    fn the_scanner_accepts_exactly_what_serde_json_accepts(
        value in json_value(),
        pretty in any::<bool>(),
        at in any::<usize>(),
        byte in prop::sample::select(b"\"{}[],:0123456789.-+eE \n\t\\/unltrfasbx".to_vec()),
        mutate in any::<bool>(),
    ) {
        let mut body = if pretty { serde_json::to_vec_pretty(&value) } else { serde_json::to_vec(&value) }.unwrap();
        if mutate {
            let i = at % body.len();
            body[i] = byte;
        }
        prop_assert_eq!(is_syntax_error(&body), serde_says_syntax_error(&body), "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn short_strings_of_json_bytes_are_judged_as_serde_json_judges_them(
        body in proptest::collection::vec(prop::sample::select(b"\"{}[],:01.-eE \\ntu".to_vec()), 0..24),
    ) {
        prop_assert_eq!(is_syntax_error(&body), serde_says_syntax_error(&body), "{}", String::from_utf8_lossy(&body));
    }
}
