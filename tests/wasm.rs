//! The core compiled to wasm32-unknown-unknown and run in Node by wasm-bindgen-test-runner
//! (`make test`): the same answers as native, and no panic where wasm has no clock.
#![cfg(target_arch = "wasm32")]

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
