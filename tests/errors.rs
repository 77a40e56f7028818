//! Every error code is reachable, has its status, and its message says what to do without
//! leaking the secret, the expected signature or payload contents.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atlasbrokers_webhooks::mac::Software;
use atlasbrokers_webhooks::{sign, Envelope, Error, EventType, Malformed, Webhook};

const SECRET: &str = "whsec_do_not_leak_91f3";
const PII: &str = "amelie.tremblay@example.ca";

fn lead() -> &'static str {
    EventType::find("lead.created").unwrap().sample_body
}

fn at(unix_seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds)
}

/// The sample's timestamp, 2026-03-02T14:23:11.000Z.
const SAMPLE_UNIX: u64 = 1_772_461_391;

/// One failing case per code, as (code, status, result).
fn failures() -> Vec<(&'static str, u16, Error)> {
    let wh = Webhook::new(SECRET).unwrap();
    let body = lead().as_bytes();
    let good = sign(SECRET, body);
    let signed = |b: &str| (b.to_owned(), sign(SECRET, b));
    let e = |r: Result<_, Error>| r.map(|_: Envelope<_>| ()).unwrap_err();

    let (not_json, not_json_sig) = signed(&lead()[..40]);
    let (no_ws, no_ws_sig) = signed(&lead().replace(r#""workspaceId":"ws_abc123","#, ""));
    let windowed = wh.clone().with_tolerance(Duration::from_secs(300));
    vec![
        ("missing_signature", 401, e(wh.verify_event(body, None))),
        (
            "malformed_signature",
            401,
            e(wh.verify_event(body, Some("sha256=abc"))),
        ),
        (
            "malformed_signature",
            401,
            e(wh.verify_event(body, Some(&"z".repeat(64)))),
        ),
        (
            "signature_mismatch",
            401,
            e(wh.verify_event(b"{}", Some(&good))),
        ),
        (
            "body_too_large",
            413,
            e(wh.clone()
                .with_max_body_bytes(100)
                .verify_event(body, Some(&good))),
        ),
        (
            "invalid_json",
            400,
            e(wh.verify_event(not_json.as_bytes(), Some(&not_json_sig))),
        ),
        (
            "invalid_envelope",
            400,
            e(wh.verify_event(no_ws.as_bytes(), Some(&no_ws_sig))),
        ),
        (
            "timestamp_out_of_tolerance",
            401,
            windowed
                .verify_summary_at(body, Some(&good), at(SAMPLE_UNIX + 301))
                .map(|_| ())
                .unwrap_err(),
        ),
        ("invalid_secret", 500, Webhook::new("").unwrap_err()),
        (
            "invalid_secret",
            500,
            wh.clone().with_previous_secret(b"").unwrap_err(),
        ),
    ]
}

#[test]
fn every_code_is_produced_with_its_status() {
    let mut seen = BTreeSet::new();
    for (code, status, err) in failures() {
        assert_eq!(err.code(), code, "{err:?}");
        assert_eq!(err.http_status(), status, "{code}");
        seen.insert(code);
    }
    // clock_unavailable only exists on wasm32-unknown-unknown; its wasm test lives with the
    // bindings. Here: its code and status are still defined.
    assert_eq!(Error::ClockUnavailable.code(), "clock_unavailable");
    assert_eq!(Error::ClockUnavailable.http_status(), 500);
    seen.insert("clock_unavailable");
    // Raised by the HTTP and JavaScript shells, which test them end to end.
    assert_eq!(
        (
            Error::BodyAlreadyParsed.code(),
            Error::BodyAlreadyParsed.http_status()
        ),
        ("body_already_parsed", 500)
    );
    assert_eq!(
        (
            Error::MethodNotAllowed.code(),
            Error::MethodNotAllowed.http_status()
        ),
        ("method_not_allowed", 405)
    );
    assert!(Error::BodyAlreadyParsed.to_string().contains("express.raw"));
    let option = Error::InvalidOption {
        name: "toleranceSeconds",
        expected: "a finite number",
    };
    assert_eq!(
        (option.code(), option.http_status()),
        ("invalid_option", 500)
    );
    assert!(option.to_string().contains("`toleranceSeconds`"));
    seen.extend([
        "body_already_parsed",
        "method_not_allowed",
        "invalid_option",
    ]);
    assert_eq!(seen, Error::CODES.into_iter().collect());
}

#[test]
fn verify_with_reaches_the_verdict_verify_summary_with_does() {
    // The npm package's path checks without making the summary: the same errors, in the same
    // order, for each way a delivery fails, and the same acceptance.
    let wh = Webhook::new(SECRET)
        .unwrap()
        .with_tolerance(Duration::from_secs(300));
    let lead = lead();
    let bodies = [
        lead.to_owned(),
        lead[..40].to_owned(),
        lead.replace(r#""workspaceId":"ws_abc123","#, ""),
        lead.replace(
            r#""event":"lead.created""#,
            r#""event":"lead.\u0063reated""#,
        ),
        lead.replace(r#""firstName":"Amélie""#, r#""firstName":7"#),
        lead.replace("2026-03-02T14:23:11.000Z", "2026-02-30T14:23:11.000Z"),
        lead.replace("2026-03-02T14:23:11.000Z", "2026-03-02T14:33:11.000Z"),
        "[]".to_owned(),
    ];
    for body in &bodies {
        let body = body.as_bytes();
        for header in [None, Some("nope".to_owned()), Some(sign(SECRET, body))] {
            for received in [Some(at(SAMPLE_UNIX)), Some(at(SAMPLE_UNIX + 3600))] {
                let header = header.as_deref();
                let summary = wh
                    .verify_summary_with(body, header, received, &mut Software)
                    .map(drop);
                let checked = wh.verify_with(body, header, received, &mut Software);
                assert_eq!(checked, summary, "{}", String::from_utf8_lossy(body));
            }
        }
    }
    let accepted = wh.verify_with(
        lead.as_bytes(),
        Some(&sign(SECRET, lead)),
        Some(at(SAMPLE_UNIX)),
        &mut Software,
    );
    assert_eq!(accepted, Ok(()));
}

#[test]
fn only_errors_found_after_the_signature_verified_are_authentic() {
    for (code, _, err) in failures() {
        assert_eq!(
            err.is_authentic(),
            matches!(code, "invalid_json" | "invalid_envelope"),
            "{code}"
        );
    }
}

#[test]
fn authenticate_is_the_gate_and_reads_nothing_more() {
    let wh = Webhook::new(SECRET).unwrap();
    for body in [&b"{\"event\":\"ping\"}"[..], b"not json", b""] {
        let header = sign(SECRET, body).to_uppercase();
        let duplicated = format!("{}, {header}", sign("other", body));
        let authentic = wh.authenticate(body, Some(&duplicated)).unwrap();
        assert_eq!(authentic.body(), body);
        assert_eq!(
            authentic.signature(),
            sign(SECRET, body),
            "lowercase, the one that verified"
        );
        assert_eq!(
            authentic.delivery_id(),
            atlasbrokers_webhooks::delivery_id(body)
        );
        assert!(authentic.summary().unwrap_err().is_authentic());
        assert!(
            !format!("{authentic:?}").contains("ping"),
            "Debug shows no payload"
        );
    }
    let ping = br#"{"event":"ping"}"#;
    let authentic = wh.authenticate(ping, Some(&sign(SECRET, ping))).unwrap();
    assert_eq!(authentic.event().as_deref(), Some("ping"));
    assert_eq!(
        wh.authenticate(ping, Some(&sign("other", ping)))
            .unwrap_err(),
        Error::SignatureMismatch
    );
    // Duplicated header lines: the first that verifies wins, in either order.
    let body = lead().as_bytes();
    let (good, bad) = (sign(SECRET, body), sign("other", body));
    for header in [
        format!("{good}, {bad}"),
        format!("{bad},{good}"),
        format!("{good},{good}"),
    ] {
        assert!(wh.verify_event(body, Some(&header)).is_ok(), "{header}");
    }
    assert_eq!(
        wh.verify_event(body, Some(&format!("{bad}, {bad}")))
            .unwrap_err(),
        Error::SignatureMismatch
    );
}

#[test]
fn messages_guide_the_reader_and_leak_nothing() {
    let good = sign(SECRET, lead());
    for (code, _, err) in failures() {
        let message = err.to_string();
        assert!(!message.contains(SECRET), "{code} leaks the secret");
        assert!(
            !message.contains(&good),
            "{code} leaks the expected signature"
        );
        assert!(
            !message.contains(PII) && !message.contains("Tremblay"),
            "{code} leaks payload"
        );
        assert!(
            message.len() > 60,
            "{code}: a message should say what to do: {message}"
        );
    }
    let mismatch = Error::SignatureMismatch.to_string();
    assert!(mismatch.contains("raw body bytes") && mismatch.contains("re-serialized"));
}

#[test]
fn malformed_headers_are_told_apart() {
    let wh = Webhook::new(SECRET).unwrap();
    let body = lead().as_bytes();
    assert_eq!(
        wh.verify_signature(body, Some("abc")),
        Err(Error::MalformedSignature(Malformed::Length { found: 3 }))
    );
    assert_eq!(
        wh.verify_signature(body, Some(&"x".repeat(64))),
        Err(Error::MalformedSignature(Malformed::NotHex))
    );
    assert_eq!(
        wh.verify_signature(body, Some("   ")),
        Err(Error::MissingSignature)
    );
}

#[test]
fn header_may_be_uppercase_or_padded() {
    let wh = Webhook::new(SECRET).unwrap();
    let sig = sign(SECRET, lead());
    assert!(wh
        .verify(
            lead().as_bytes(),
            Some(&format!(" {}\t", sig.to_uppercase()))
        )
        .is_ok());
}

#[test]
fn rotation_accepts_current_and_previous_secrets_only() {
    let wh = Webhook::new("new_secret")
        .unwrap()
        .with_previous_secret("old_secret")
        .unwrap();
    let body = lead().as_bytes();
    assert!(wh.verify(body, Some(&sign("new_secret", body))).is_ok());
    assert!(wh.verify(body, Some(&sign("old_secret", body))).is_ok());
    assert_eq!(
        wh.verify(body, Some(&sign("other", body))).unwrap_err(),
        Error::SignatureMismatch
    );
    // Signing always uses the current secret.
    assert_eq!(wh.sign(body), sign("new_secret", body));
    // The idempotency key does not depend on which secret signed.
    let a = wh.verify(body, Some(&sign("new_secret", body))).unwrap();
    let b = wh.verify(body, Some(&sign("old_secret", body))).unwrap();
    assert_eq!(a.idempotency_key(), b.idempotency_key());
}

#[test]
fn tolerance_rejects_old_and_future_events_and_is_off_by_default() {
    let body = lead().as_bytes();
    let sig = sign(SECRET, body);
    let wh = Webhook::new(SECRET).unwrap();
    // Off by default: a Replay a year later still verifies.
    assert!(wh
        .verify_summary_at(body, Some(&sig), at(SAMPLE_UNIX + 365 * 86_400))
        .is_ok());

    let windowed = wh.with_tolerance(Duration::from_secs(300));
    let check = |now: u64| {
        windowed
            .verify_summary_at(body, Some(&sig), at(now))
            .map(|_| ())
    };
    assert!(check(SAMPLE_UNIX).is_ok());
    assert!(check(SAMPLE_UNIX + 300).is_ok());
    assert!(check(SAMPLE_UNIX - 300).is_ok());
    assert_eq!(
        check(SAMPLE_UNIX + 301).unwrap_err(),
        Error::TimestampOutOfTolerance {
            skew_seconds: -301,
            tolerance_seconds: 300
        }
    );
    let future = check(SAMPLE_UNIX - 400).unwrap_err();
    assert_eq!(
        future,
        Error::TimestampOutOfTolerance {
            skew_seconds: 400,
            tolerance_seconds: 300
        }
    );
    assert!(future.to_string().contains("in the future"));
    // Without an override the system clock decides.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let by_clock = windowed.verify(body, Some(&sig));
    assert_eq!(by_clock.is_ok(), now.abs_diff(SAMPLE_UNIX) <= 300);
}

#[test]
fn signature_is_checked_before_the_body_is_parsed() {
    // An unauthenticated body is never parsed: garbage with a wrong signature is a mismatch,
    // not invalid_json, so nothing about its content is reported.
    let wh = Webhook::new(SECRET).unwrap();
    let err = wh
        .verify(b"not json", Some(&sign("wrong", b"not json")))
        .unwrap_err();
    assert_eq!(err, Error::SignatureMismatch);
}

#[test]
fn debug_output_hides_secrets() {
    let wh = Webhook::new(SECRET)
        .unwrap()
        .with_previous_secret("previous_xyz")
        .unwrap();
    let debug = format!("{wh:?}");
    assert!(!debug.contains(SECRET) && !debug.contains("previous_xyz"));
    assert!(debug.contains("secrets: 2"));
}
