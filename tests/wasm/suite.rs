// The wasm32 suite, included by tests/wasm.rs (Node) and tests/wasm_browser.rs (Chromium):
// the core and the JS bindings compiled to wasm32-unknown-unknown give the same answers as
// native, and nothing panics where wasm has no clock.

use std::time::{Duration, UNIX_EPOCH};

use atlasbrokers_webhooks::{sign, Error, Event, Webhook, EVENT_TYPES};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn every_sample_verifies_and_types_in_wasm() {
    let webhook = Webhook::new("whsec_wasm").unwrap();
    for t in EVENT_TYPES {
        let header = sign("whsec_wasm", t.sample_body);
        let delivery = webhook
            .verify_event(t.sample_body.as_bytes(), Some(&header))
            .unwrap();
        assert_eq!(delivery.data.name(), t.name);
        assert!(!matches!(delivery.data, Event::Unknown { .. }));
    }
}

#[wasm_bindgen_test]
fn known_answer_matches_native() {
    // RFC 4231 test case 2.
    assert_eq!(
        sign("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[wasm_bindgen_test]
fn tolerance_without_a_clock_is_an_error_not_a_panic() {
    let body = EVENT_TYPES[0].sample_body.as_bytes();
    let header = sign("s", body);
    let windowed = Webhook::new("s")
        .unwrap()
        .with_tolerance(Duration::from_secs(300));
    let err = windowed.verify(body, Some(&header)).unwrap_err();
    assert_eq!(err, Error::ClockUnavailable);
    assert_eq!((err.code(), err.http_status()), ("clock_unavailable", 500));
    // With the receive time given, the window works in wasm too.
    let at = UNIX_EPOCH + Duration::from_secs(1_772_461_391);
    assert!(windowed
        .with_received_at(at)
        .verify(body, Some(&header))
        .is_ok());
}

// ---- the bindings (feature `wasm`) ----------------------------------------------------------

use atlasbrokers_webhooks::wasm::{
    body_already_parsed_error, body_too_large_error, method_not_allowed_error, sign_bytes,
    sign_text, Verifier, VerifyError,
};

fn code<T>(result: Result<T, VerifyError>) -> (String, u16) {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => (e.code(), e.status()),
    }
}

#[wasm_bindgen_test]
fn bindings_verify_text_and_bytes_and_return_the_key() {
    let verifier = Verifier::new(b"whsec_wasm", None, None).ok().unwrap();
    for t in EVENT_TYPES {
        let header = sign("whsec_wasm", t.sample_body);
        let key = verifier
            .verify_text(t.sample_body, Some(header.clone()), None)
            .ok()
            .unwrap();
        assert!(key.starts_with(&format!("{}:ws_abc123:", t.name)));
        let from_bytes = verifier
            .verify_bytes(t.sample_body.as_bytes(), Some(header), None)
            .ok()
            .unwrap();
        assert_eq!(key, from_bytes);
    }
}

#[wasm_bindgen_test]
fn bindings_report_codes_statuses_and_messages() {
    let verifier = Verifier::new(b"s", None, Some(100_000.0)).ok().unwrap();
    let body = EVENT_TYPES[3].sample_body;
    assert_eq!(code(verifier.verify_text(body, None, None)), ("missing_signature".into(), 401));
    assert_eq!(code(verifier.verify_text(body, Some("ab".into()), None)), ("malformed_signature".into(), 401));
    assert_eq!(code(verifier.verify_text(body, Some(sign("t", body)), None)), ("signature_mismatch".into(), 401));
    let tiny = Verifier::new(b"s", None, Some(10.0)).ok().unwrap();
    assert_eq!(code(tiny.verify_text(body, Some(sign("s", body)), None)), ("body_too_large".into(), 413));
    assert_eq!(code(Verifier::new(b"", None, None)), ("invalid_secret".into(), 500));
    let mismatch = verifier.verify_text(body, Some(sign("t", body)), None).err().unwrap();
    assert!(mismatch.message().contains("raw body bytes"));
    assert_eq!(body_already_parsed_error().code(), "body_already_parsed");
    assert_eq!(method_not_allowed_error().status(), 405);
    assert_eq!(body_too_large_error(2e6, 1e6).status(), 413);
}

#[wasm_bindgen_test]
fn bindings_take_the_receive_time_from_js() {
    let body = EVENT_TYPES[3].sample_body;
    let header = sign("s", body);
    let windowed = Verifier::new(b"s", Some(300.0), None).ok().unwrap();
    let sample_ms = 1_772_461_391_000.0;
    assert!(windowed.verify_text(body, Some(header.clone()), Some(sample_ms + 300_000.0)).is_ok());
    assert_eq!(
        code(windowed.verify_text(body, Some(header.clone()), Some(sample_ms + 301_000.0))),
        ("timestamp_out_of_tolerance".into(), 401)
    );
    // Without a receive time there is no clock: an error, not a panic.
    assert_eq!(code(windowed.verify_text(body, Some(header.clone()), None)), ("clock_unavailable".into(), 500));
    // Nonsense numbers from JS must not panic either.
    let odd = Verifier::new(b"s", Some(f64::NAN), Some(-1.0)).ok().unwrap();
    assert_eq!(code(odd.verify_text(body, Some(header), Some(f64::NAN))), ("body_too_large".into(), 413));
}

#[wasm_bindgen_test]
fn bindings_sign_like_the_core() {
    let body = EVENT_TYPES[0].sample_body;
    assert_eq!(sign_text(b"k", body), sign("k", body));
    assert_eq!(sign_bytes(b"k", body.as_bytes()), sign("k", body));
    let mut verifier = Verifier::new(b"new", None, None).ok().unwrap();
    verifier.add_previous_secret(b"old").ok().unwrap();
    assert_eq!(verifier.sign_text(body), sign("new", body));
    assert!(verifier.verify_text(body, Some(sign("old", body)), None).is_ok());
}
