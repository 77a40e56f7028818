//! `Summary::parse` against serde_json (whose `Value` keeps the last of duplicated keys, as
//! `JSON.parse` does) and the envelope rules applied to serde's tree.
//!
//! The documented differences are taken out before comparing, by rewriting the input into
//! one both readers must treat alike:
//! - lone surrogate escapes (`"\ud800"`: serde rejects them, `JSON.parse` and we read U+FFFD)
//!   become `\ufffd`; valid pairs are kept;
//! - numbers beyond f64 (`1e400`: serde rejects them, `JSON.parse` reads Infinity) become `0`;
//! - nesting deeper than serde's limit (128): only then may we accept what serde refuses.
//!
//! Checked: the rewrite does not change our verdict; whatever serde accepts we never call
//! `invalid_json`; when serde reads an object, we accept it exactly when the envelope rules
//! (non-empty `event`, RFC 3339 `timestamp`, non-empty `workspaceId`, object `data`, the
//! catalog's field types via `EventType::check_data`) accept serde's tree, name the same
//! field when not, and read the same `event`, `timestamp`, `workspaceId` and `data.id`.
#![no_main]

use atlasbrokers_webhooks::{Error, EventType, Summary, Timestamp};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|body: &[u8]| {
    let ours = Summary::parse(body);
    let clean = rewrite(body);
    let ours_clean = Summary::parse(&clean);
    match (&ours, &ours_clean) {
        (Ok(a), Ok(b)) => assert_eq!(fields(a), fields(b), "the rewrite changed what we read"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "the rewrite changed our error"),
        _ => panic!("the rewrite changed our verdict: {ours:?} then {ours_clean:?}"),
    }

    let theirs: Value = match serde_json::from_slice(&clean) {
        Ok(value) => value,
        Err(e) => {
            if ours.is_ok() {
                assert!(
                    e.to_string().contains("recursion limit"),
                    "we accept what serde_json rejects ({e}) for a reason other than depth"
                );
            }
            return;
        }
    };
    if let Err(Error::InvalidJson { line, column }) = &ours {
        panic!("serde_json reads it but we say invalid_json at {line}:{column}");
    }
    match (&ours, envelope(&theirs)) {
        (Ok(summary), Ok(expected)) => assert_eq!(fields(summary), expected),
        (Err(Error::InvalidEnvelope { field, .. }), Err(expected)) => {
            assert_eq!(*field, expected, "both reject, for different fields")
        }
        (Ok(summary), Err(field)) => {
            panic!("we accept {summary:?}; the rules on serde's tree reject {field}")
        }
        (Err(e), Ok(expected)) => {
            panic!("we reject ({e:?}) what the rules on serde's tree accept: {expected:?}")
        }
        (Err(e), Err(_)) => panic!("unexpected error {e:?}"),
    }
});

type Fields = (String, String, String, Option<String>);

fn fields(s: &Summary<'_>) -> Fields {
    (
        s.event().to_owned(),
        s.timestamp().as_str().to_owned(),
        s.workspace_id().to_owned(),
        s.data_id().map(str::to_owned),
    )
}

/// The envelope rules on serde's tree (last duplicate wins): what we should read, or the
/// field we should name.
fn envelope(value: &Value) -> Result<Fields, &'static str> {
    let Value::Object(top) = value else {
        return Err("$");
    };
    let event = match top.get("event") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err("event"),
    };
    let timestamp = match top.get("timestamp") {
        Some(Value::String(t)) => Timestamp::parse(t).ok_or("timestamp")?,
        _ => return Err("timestamp"),
    };
    let workspace = match top.get("workspaceId") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err("workspaceId"),
    };
    let Some(Value::Object(data)) = top.get("data") else {
        return Err("data");
    };
    if let Some(event_type) = EventType::find(event) {
        match event_type.check_data(data) {
            Ok(()) => {}
            Err(Error::InvalidEnvelope { field, .. }) => return Err(field),
            Err(other) => panic!("check_data gave {other:?}"),
        }
    }
    let data_id = match data.get("id") {
        Some(Value::String(id)) => Some(id.clone()),
        _ => None,
    };
    Ok((
        event.clone(),
        timestamp.as_str().to_owned(),
        workspace.clone(),
        data_id,
    ))
}

/// Lone surrogate escapes to `\ufffd`, numbers beyond f64 to `0`; nothing else changes, so
/// the input's validity (for either reader) does not either.
fn rewrite(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    let mut in_string = false;
    while i < input.len() {
        let b = input[i];
        if in_string {
            match b {
                b'"' => {
                    in_string = false;
                    out.push(b);
                    i += 1;
                }
                b'\\' if input.get(i + 1) == Some(&b'u') => {
                    let Some(unit) = hex4(input, i + 2) else {
                        out.push(b);
                        i += 1;
                        continue;
                    };
                    let low = match (input.get(i + 6), input.get(i + 7)) {
                        (Some(b'\\'), Some(b'u')) => hex4(input, i + 8),
                        _ => None,
                    };
                    match (unit, low) {
                        (0xd800..=0xdbff, Some(low @ 0xdc00..=0xdfff)) => {
                            let _ = low;
                            out.extend_from_slice(&input[i..i + 12]);
                            i += 12;
                        }
                        (0xd800..=0xdfff, _) => {
                            out.extend_from_slice(b"\\ufffd");
                            i += 6;
                        }
                        _ => {
                            out.extend_from_slice(&input[i..i + 6]);
                            i += 6;
                        }
                    }
                }
                b'\\' => {
                    // Any other escape: copy it and the escaped byte.
                    out.push(b);
                    if let Some(&next) = input.get(i + 1) {
                        out.push(next);
                    }
                    i += 2;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            }
            continue;
        }
        if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < input.len()
                && matches!(input[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                i += 1;
            }
            let run = &input[start..i];
            let infinite = is_json_number(run)
                && std::str::from_utf8(run)
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .is_some_and(f64::is_infinite);
            out.extend_from_slice(if infinite { b"0" } else { run });
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex4(input: &[u8], at: usize) -> Option<u32> {
    let digits = input.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the whole of `run`.
fn is_json_number(run: &[u8]) -> bool {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while run.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    if run.get(i) == Some(&b'-') {
        i += 1;
    }
    match run.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if run.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if let Some(b'e' | b'E') = run.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = run.get(i) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == run.len()
}
