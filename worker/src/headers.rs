//! The headers a forwarded delivery carries, decided here and set by the shell. Every value is
//! safe in an HTTP header whatever the body held: a value that cannot be set would fail every
//! attempt locally and turn an authentic delivery into a dead letter.

use std::borrow::Cow;

use atlasbrokers_webhooks::{Error, HEADER_NAME};

/// What a forwarded request says about its body.
pub struct Forwarded<'a> {
    /// The event name from the body; empty when it has none.
    pub event: &'a str,
    /// The delivery id (64 hex characters).
    pub delivery_id: &'a str,
    pub attempt: u32,
    /// The signature that verified, lowercase hex.
    pub signature: &'a str,
    /// `X-Atlas-Envelope-Problem`, when the body is authentic but not the envelope.
    pub envelope_problem: Option<&'a str>,
}

/// Name and value of every header to set, in order.
pub fn forward_headers(f: &Forwarded<'_>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("content-type", "application/json".to_owned()),
        ("user-agent", crate::user_agent()),
        (
            "x-atlas-delivery-id",
            header_safe(f.delivery_id).into_owned(),
        ),
        ("x-atlas-attempt", f.attempt.to_string()),
        // Still valid for these exact bytes: a destination may verify it too.
        (HEADER_NAME, header_safe(f.signature).into_owned()),
    ];
    if !f.event.is_empty() {
        headers.push(("x-atlas-event", header_safe(f.event).into_owned()));
    }
    if let Some(problem) = f.envelope_problem {
        headers.push((
            "x-atlas-envelope-problem",
            header_safe(problem).into_owned(),
        ));
    }
    headers
}

/// `X-Atlas-Envelope-Problem` for an error found after the signature verified: the code, and
/// the field when there is one (`invalid_envelope; field=data.title`). Never a value.
pub fn envelope_problem(error: &Error) -> String {
    match error.field() {
        Some(field) => format!("{}; field={field}", error.code()),
        None => error.code().to_owned(),
    }
}

/// Printable ASCII (and inner spaces) is kept; every other byte of the UTF-8 (controls,
/// non-ASCII, a leading or trailing space, which HTTP would strip) and `%` itself are
/// percent-encoded, so the value reads back with any URL decoder.
pub fn header_safe(value: &str) -> Cow<'_, str> {
    let last = value.len().saturating_sub(1);
    let keep = |(i, b): (usize, u8)| {
        (b.is_ascii_graphic() && b != b'%') || (b == b' ' && i != 0 && i != last)
    };
    if value.bytes().enumerate().all(keep) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() * 3);
    for (i, b) in value.bytes().enumerate() {
        if keep((i, b)) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_always_header_safe() {
        assert_eq!(header_safe("deal.won"), "deal.won");
        assert!(matches!(header_safe("deal.won"), Cow::Borrowed(_)));
        assert_eq!(header_safe("deal\nwon"), "deal%0Awon");
        assert_eq!(header_safe("a b%"), "a b%25");
        assert_eq!(header_safe(" a "), "%20a%20");
        assert_eq!(header_safe("é😀"), "%C3%A9%F0%9F%98%80");
        assert_eq!(header_safe("\0\r\x7f"), "%00%0D%7F");
        for value in ["x\u{2028}y", "\t", "ü", "\u{ffff}"] {
            assert!(
                header_safe(value).bytes().all(|b| b.is_ascii_graphic()),
                "{value:?}"
            );
        }
    }

    #[test]
    fn the_forwarded_headers() {
        let headers = forward_headers(&Forwarded {
            event: "ping\n",
            delivery_id: &"ab".repeat(32),
            attempt: 3,
            signature: &"cd".repeat(32),
            envelope_problem: Some("invalid_envelope; field=data.title"),
        });
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("x-atlas-event"), Some("ping%0A"));
        assert_eq!(get("x-atlas-attempt"), Some("3"));
        assert_eq!(
            get("x-atlas-envelope-problem"),
            Some("invalid_envelope; field=data.title")
        );
        let plain = forward_headers(&Forwarded {
            event: "",
            delivery_id: "id",
            attempt: 1,
            signature: "s",
            envelope_problem: None,
        });
        assert!(plain
            .iter()
            .all(|(n, _)| *n != "x-atlas-event" && *n != "x-atlas-envelope-problem"));
    }

    #[test]
    fn envelope_problems_name_the_field_never_the_value() {
        let e = atlasbrokers_webhooks::Summary::parse(br#"{"event":"deal.won"}"#).unwrap_err();
        assert_eq!(envelope_problem(&e), "invalid_envelope; field=timestamp");
        let e = atlasbrokers_webhooks::Summary::parse(b"nope").unwrap_err();
        assert_eq!(envelope_problem(&e), "invalid_json");
    }
}
