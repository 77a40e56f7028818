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
        .verify_summary_at(body, Some(&header), at)
        .is_ok());
}

// ---- the bindings ----------------------------------------------------------

use atlasbrokers_webhooks_wasm::{
    body_already_parsed_error, body_too_large_error, delivery_id_bytes, delivery_id_text,
    method_not_allowed_error, sign_bytes, sign_text, Verifier, VerifyError, FAILED,
};

/// What the JS wrapper does: body then header into the reserved bytes, then verify them there.
fn verify_text(
    verifier: &mut Verifier,
    body: &str,
    header: Option<String>,
    received_at_ms: Option<f64>,
) -> Result<usize, VerifyError> {
    let header_len = header.as_ref().map(String::len);
    write(verifier, format!("{body}{}", header.unwrap_or_default()).as_bytes());
    reserved(verifier, body.len(), header_len, received_at_ms, None)
}

/// `verifyReserved` as the wrapper reads it: a number, or FAILED and then the error it kept.
fn reserved(
    verifier: &mut Verifier,
    body_len: usize,
    header_len: Option<usize>,
    received_at_ms: Option<f64>,
    text_at: Option<usize>,
) -> Result<usize, VerifyError> {
    match verifier.verify_reserved(body_len, header_len, received_at_ms, text_at) {
        FAILED => {
            let error = verifier.take_error().expect("FAILED keeps its error");
            assert!(verifier.take_error().is_none(), "an error is taken once");
            Err(error)
        }
        units => {
            assert!(verifier.take_error().is_none(), "no error kept after a success");
            Ok(units as usize)
        }
    }
}

fn write(verifier: &mut Verifier, bytes: &[u8]) {
    let ptr = verifier.reserve(bytes.len());
    // SAFETY: reserve returned room for exactly bytes.len() bytes, owned by the verifier.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
}

fn code<T>(result: Result<T, VerifyError>) -> (String, u16) {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => (e.code(), e.status()),
    }
}

#[wasm_bindgen_test]
fn bindings_verify_reserved_bytes_and_give_the_delivery_id() {
    let mut verifier = Verifier::new(b"whsec_wasm", None, None).ok().unwrap();
    for t in EVENT_TYPES {
        let header = sign("whsec_wasm", t.sample_body);
        assert!(verify_text(&mut verifier, t.sample_body, Some(header.clone()), None).is_ok());
        assert_eq!(delivery_id_text(t.sample_body), atlasbrokers_webhooks::delivery_id(t.sample_body));
        assert_eq!(delivery_id_bytes(t.sample_body.as_bytes()), delivery_id_text(t.sample_body));
        // A header given with the body's bytes right after it is read to its end only.
        let padded = format!("{}{header}", t.sample_body);
        let body_len = t.sample_body.len();
        write(&mut verifier, padded.as_bytes());
        let again = reserved(&mut verifier, body_len, Some(header.len()), None, None);
        assert_eq!(again.ok(), Some(0));
        // Lengths past the reserved bytes are clamped, not a panic.
        assert!(reserved(&mut verifier, usize::MAX, Some(usize::MAX), None, None).is_err());
        assert!(reserved(&mut verifier, usize::MAX, Some(usize::MAX), None, Some(usize::MAX)).is_err());
    }
}

#[wasm_bindgen_test]
fn bindings_write_a_verified_non_ascii_body_as_utf16_where_asked() {
    let mut verifier = Verifier::new(b"whsec_wasm", None, None).ok().unwrap();
    let body = r#"{"event":"x.y","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_1","data":{"n":"déjà vu 🏠 — ok"}}"#;
    let header = sign("whsec_wasm", body);
    let text_at = (body.len() + header.len() + 1) & !1;
    let room = text_at + 2 * body.len();
    let ptr = verifier.reserve(room);
    write(&mut verifier, format!("{body}{header}").as_bytes());
    let units = reserved(&mut verifier, body.len(), Some(header.len()), None, Some(text_at)).ok().unwrap();
    let expected: Vec<u16> = body.encode_utf16().collect();
    assert_eq!(units, expected.len());
    let mut written = vec![0u8; units * 2];
    // SAFETY: reserve returned room for `room` bytes, owned by the verifier; units * 2 bytes
    // from text_at are inside it.
    unsafe { std::ptr::copy_nonoverlapping(ptr.add(text_at), written.as_mut_ptr(), units * 2) };
    let read: Vec<u16> = written.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    assert_eq!(read, expected);
    // Not asked, an offset inside the body, or an ASCII body: no text (0).
    write(&mut verifier, format!("{body}{header}").as_bytes());
    assert_eq!(reserved(&mut verifier, body.len(), Some(header.len()), None, None).ok(), Some(0));
    assert_eq!(reserved(&mut verifier, body.len(), Some(header.len()), None, Some(3)).ok(), Some(0));
    let ascii = EVENT_TYPES[0].sample_body;
    let header = sign("whsec_wasm", ascii);
    write(&mut verifier, format!("{ascii}{header}").as_bytes());
    let at = (ascii.len() + header.len() + 1) & !1;
    if ascii.is_ascii() {
        assert_eq!(reserved(&mut verifier, ascii.len(), Some(header.len()), None, Some(at)).ok(), Some(0));
    }
}

/// `verifyReservedText` as the wrapper calls it: the header at `3 * units`, the string's copy
/// (UTF-16LE units when `wide`, else one Latin-1 byte a character) after it.
fn verify_copied(verifier: &mut Verifier, units: &[u16], header: &str, wide: bool) -> Result<usize, VerifyError> {
    let n = units.len();
    let input: Vec<u8> = if wide {
        units.iter().flat_map(|u| u.to_le_bytes()).collect()
    } else {
        units.iter().map(|&u| u8::try_from(u).unwrap()).collect()
    };
    let input_at = (3 * n + header.len() + 1) & !1;
    let mut room = vec![0u8; input_at + input.len()];
    room[3 * n..3 * n + header.len()].copy_from_slice(header.as_bytes());
    room[input_at..].copy_from_slice(&input);
    write(verifier, &room);
    match verifier.verify_reserved_text(n, Some(header.len()), None, input_at, wide) {
        FAILED => Err(verifier.take_error().expect("FAILED keeps its error")),
        len => Ok(len as usize),
    }
}

#[wasm_bindgen_test]
fn bindings_verify_a_string_copied_in_as_its_units_or_latin1_bytes_as_its_utf8() {
    let mut verifier = Verifier::new(b"whsec_wasm", None, None).ok().unwrap();
    let envelope = |n: &str| format!(r#"{{"event":"x.y","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_1","data":{{"n":"{n}"}}}}"#);
    for (body, wide) in [
        (envelope(&"Montréal, Québec ".repeat(40)), false),
        (envelope(&"plain ascii ".repeat(50)), false),
        (envelope(&"déjà vu 🏠 — ok ".repeat(40)), true),
    ] {
        let units: Vec<u16> = body.encode_utf16().collect();
        let header = sign("whsec_wasm", &body);
        assert_eq!(verify_copied(&mut verifier, &units, &header, wide).ok(), Some(body.len()), "{body}");
        // Read the other way (Latin-1 text as units), it still verifies: the same characters.
        if !wide {
            assert_eq!(verify_copied(&mut verifier, &units, &header, true).ok(), Some(body.len()));
        }
        // One character changed: the signature no longer matches.
        let mut tampered = units.clone();
        tampered[units.len() - 5] = u16::from(b'X');
        assert_eq!(code(verify_copied(&mut verifier, &tampered, &header, wide)).0, "signature_mismatch");
    }
    // A lone surrogate (a sender's truncated emoji) is verified as encodeInto writes it: U+FFFD.
    let mut units: Vec<u16> = envelope("a_b").encode_utf16().collect();
    let at = units.iter().position(|&u| u == u16::from(b'_')).unwrap();
    units[at] = 0xd83c;
    let header = sign("whsec_wasm", String::from_utf16_lossy(&units));
    assert!(verify_copied(&mut verifier, &units, &header, true).is_ok());
    // Offsets that overlap the body's room or overrun the reserved bytes: an error, no panic.
    let body = envelope("x");
    let header = sign("whsec_wasm", &body);
    write(&mut verifier, format!("{body}{header}").as_bytes());
    for (units, input_at) in [(body.len(), 1), (body.len(), usize::MAX), (usize::MAX, 0)] {
        assert_eq!(verifier.verify_reserved_text(units, Some(header.len()), None, input_at, true), FAILED);
        assert!(verifier.take_error().is_some());
    }
}

#[wasm_bindgen_test]
fn bindings_report_codes_statuses_and_messages() {
    let mut verifier = Verifier::new(b"s", None, Some(100_000.0)).ok().unwrap();
    let body = EVENT_TYPES[3].sample_body;
    assert_eq!(code(verify_text(&mut verifier, body, None, None)), ("missing_signature".into(), 401));
    assert_eq!(code(verify_text(&mut verifier, body, Some("ab".into()), None)), ("malformed_signature".into(), 401));
    assert_eq!(code(verify_text(&mut verifier, body, Some(sign("t", body)), None)), ("signature_mismatch".into(), 401));
    let mut tiny = Verifier::new(b"s", None, Some(10.0)).ok().unwrap();
    assert_eq!(code(verify_text(&mut tiny, body, Some(sign("s", body)), None)), ("body_too_large".into(), 413));
    assert_eq!(code(Verifier::new(b"", None, None)), ("invalid_secret".into(), 500));
    let mismatch = verify_text(&mut verifier, body, Some(sign("t", body)), None).err().unwrap();
    assert!(mismatch.message().contains("raw body bytes"));
    assert_eq!(body_already_parsed_error().code(), "body_already_parsed");
    assert_eq!(method_not_allowed_error().status(), 405);
    assert_eq!(body_too_large_error(2e6, 1e6).status(), 413);
}

#[wasm_bindgen_test]
fn bindings_take_the_receive_time_from_js_or_read_its_clock() {
    let body = EVENT_TYPES[3].sample_body;
    let header = sign("s", body);
    let mut windowed = Verifier::new(b"s", Some(300.0), None).ok().unwrap();
    let sample_ms = 1_772_461_391_000.0;
    assert!(verify_text(&mut windowed, body, Some(header.clone()), Some(sample_ms + 300_000.0)).is_ok());
    assert_eq!(
        code(verify_text(&mut windowed, body, Some(header.clone()), Some(sample_ms + 301_000.0))),
        ("timestamp_out_of_tolerance".into(), 401)
    );
    // Without one, the bindings read JS's clock (Date.now(); wasm32 has none of its own): the
    // sample's timestamp of March 2026 is then out of the window, where the core alone would
    // answer clock_unavailable.
    assert_eq!(code(verify_text(&mut windowed, body, Some(header.clone()), None)), ("timestamp_out_of_tolerance".into(), 401));
    // Nonsense options are refused by name, never a verifier that refuses every delivery.
    for (tolerance, max) in [(Some(f64::NAN), None), (Some(-5.0), None), (Some(f64::INFINITY), None), (None, Some(f64::NAN)), (None, Some(-1.0)), (None, Some(0.0)), (None, Some(1.5))] {
        let (code, status) = code(Verifier::new(b"s", tolerance, max));
        assert_eq!((code.as_str(), status), ("invalid_option", 500), "{tolerance:?} {max:?}");
    }
    // A nonsense receive time must not panic.
    let mut windowed = Verifier::new(b"s", Some(300.0), None).ok().unwrap();
    assert_eq!(code(verify_text(&mut windowed, body, Some(header), Some(f64::NAN))), ("timestamp_out_of_tolerance".into(), 401));
}

#[wasm_bindgen_test]
fn bindings_say_when_an_error_came_after_the_signature_verified() {
    let mut verifier = Verifier::new(b"s", None, None).ok().unwrap();
    let ping = r#"{"event":"ping"}"#;
    let err = verify_text(&mut verifier, ping, Some(sign("s", ping)), None).err().unwrap();
    assert_eq!((err.code().as_str(), err.authentic()), ("invalid_envelope", true));
    let err = verify_text(&mut verifier, ping, Some(sign("t", ping)), None).err().unwrap();
    assert_eq!((err.code().as_str(), err.authentic()), ("signature_mismatch", false));
    // Two values joined as a Fetch Headers object joins duplicated lines: the good one wins.
    let body = EVENT_TYPES[3].sample_body;
    let joined = format!("{}, {}", sign("t", body), sign("s", body).to_uppercase());
    assert!(verify_text(&mut verifier, body, Some(joined), None).is_ok());
}

#[wasm_bindgen_test]
fn bindings_sign_like_the_core() {
    let body = EVENT_TYPES[0].sample_body;
    assert_eq!(sign_text(b"k", body), sign("k", body));
    assert_eq!(sign_bytes(b"k", body.as_bytes()), sign("k", body));
    let mut verifier = Verifier::new(b"new", None, None).ok().unwrap();
    verifier.add_previous_secret(b"old").ok().unwrap();
    assert_eq!(verifier.sign_text(body), sign("new", body));
    assert!(verify_text(&mut verifier, body, Some(sign("old", body)), None).is_ok());
}
