//! `X-Webhook-Secret` parsing: `signature::parse_header`, `Webhook::verify_signature` and
//! `Webhook::authenticate`.
//!
//! Never panics, and agrees with a small model of the documented rule: the header may hold
//! several values joined by "," (a Fetch `Headers` object joins duplicate lines as "a, b");
//! each is trimmed and blanks are ignored; the first 8 well-formed values (64 hex digits,
//! either case) are the candidates (more is hostile: the rest are not read); any candidate
//! that verifies wins and is passed on in lowercase; when none does: `missing_signature` (all
//! blank), `malformed_signature` (none is 64 hex digits, naming the first bad value's
//! problem), else `signature_mismatch`.
//!
//! Each input is read twice: as the header itself (UTF-8), verified against the deal.won
//! sample body with the secret `whsec_fuzz` and the previous secret `whsec_old` (the seeds in
//! seeds/header/ are such headers); and, through `arbitrary`, as a secret, a body, an arbitrary
//! header and one assembled from valid signatures in mixed case, the previous secret's, wrong
//! ones, blanks and junk, joined by "," or ", " (a valid one among the candidates must
//! verify). Where the ways of trimming (Unicode, ASCII, HTTP's) cut a header into different
//! values, only the entry points' agreement is checked, not the model.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use atlasbrokers_webhooks::signature::parse_header;
use atlasbrokers_webhooks::{sign, Error, Malformed, Webhook};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    secret: Vec<u8>,
    previous: Option<Vec<u8>>,
    body: Vec<u8>,
    /// A header as anything may send it.
    raw: String,
    /// A header assembled from parts.
    parts: Vec<Part>,
    /// Join with "," instead of ", ".
    tight: bool,
}

#[derive(Arbitrary, Debug)]
enum Part {
    Junk(String),
    /// The current secret's signature, in mixed case (bit i uppercases hex digit i) and padded.
    Valid {
        case: u64,
        before: Pad,
        after: Pad,
    },
    /// The previous secret's signature (a wrong one when there is no previous secret).
    Previous {
        upper: bool,
        before: Pad,
    },
    /// 64 hex digits that are not the signature.
    Wrong {
        flip: u8,
        upper: bool,
    },
    /// Hex of another length.
    Short {
        len: u8,
    },
    Blank(Pad),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Pad {
    None,
    Space,
    Tab,
    Spaces(u8),
    CrLf,
    Mixed,
}

impl Pad {
    fn text(self) -> String {
        match self {
            Pad::None => String::new(),
            Pad::Space => " ".into(),
            Pad::Tab => "\t".into(),
            Pad::Spaces(n) => " ".repeat(usize::from(n % 8)),
            Pad::CrLf => "\r\n".into(),
            Pad::Mixed => " \t ".into(),
        }
    }
}

/// Values read from one header (`MAX_CANDIDATES` in src/signature.rs).
const MAX_CANDIDATES: usize = 8;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = std::str::from_utf8(data) {
        let body = atlasbrokers_webhooks::EventType::find("deal.won")
            .expect("in the catalog")
            .sample_body
            .as_bytes();
        let webhook = Webhook::new("whsec_fuzz")
            .and_then(|w| w.with_previous_secret("whsec_old"))
            .expect("valid secrets");
        let macs = [sign("whsec_fuzz", body), sign("whsec_old", body)];
        let _ = check(&webhook, body, header, &macs);
    }
    if let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) {
        structured(input);
    }
});

fn structured(input: Input) {
    let secret: &[u8] = if input.secret.is_empty() {
        b"whsec_fuzz"
    } else {
        &input.secret
    };
    let mut webhook = Webhook::new(secret).expect("a non-empty secret is valid");
    let mut macs = vec![sign(secret, &input.body)];
    assert_eq!(webhook.sign(&input.body), macs[0], "Webhook::sign == sign");
    let previous = input.previous.as_deref().filter(|p| !p.is_empty());
    if let Some(previous) = previous {
        webhook = webhook
            .with_previous_secret(previous)
            .expect("a non-empty secret is valid");
        macs.push(sign(previous, &input.body));
    }
    for mac in &macs {
        assert!(mac.len() == 64 && mac.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    }
    assert_eq!(
        webhook.verify_signature(&input.body, None),
        Err(Error::MissingSignature)
    );

    // 1. Anything.
    let _ = check(&webhook, &input.body, &input.raw, &macs);

    // 2. Assembled from parts.
    let other_mac = sign(b"not-the-secret", &input.body);
    let items: Vec<String> = input
        .parts
        .iter()
        .map(|part| match part {
            Part::Junk(text) => text.clone(),
            Part::Valid {
                case,
                before,
                after,
            } => {
                let mixed: String = macs[0]
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if case >> (i % 64) & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                format!("{}{mixed}{}", before.text(), after.text())
            }
            Part::Previous { upper, before } => {
                let mac = macs.get(1).unwrap_or(&other_mac);
                let mac = if *upper {
                    mac.to_ascii_uppercase()
                } else {
                    mac.clone()
                };
                format!("{}{mac}", before.text())
            }
            Part::Wrong { flip, upper } => {
                let mut bytes = macs[0].clone().into_bytes();
                let at = usize::from(*flip % 64);
                bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                let wrong = String::from_utf8(bytes).unwrap();
                if *upper {
                    wrong.to_ascii_uppercase()
                } else {
                    wrong
                }
            }
            Part::Short { len } => {
                let len = usize::from(*len % 128);
                let len = if len == 64 { 63 } else { len };
                macs[0].repeat(2)[..len].to_owned()
            }
            Part::Blank(pad) => pad.text(),
        })
        .collect();
    let header = items.join(if input.tight { "," } else { ", " });
    let result = check(&webhook, &input.body, &header, &macs);
    // Whatever the junk: a valid signature among the first candidates (values as the crate
    // trims them, with str::trim) verifies.
    let candidates = values(&header, str::trim)
        .into_iter()
        .filter(|v| is_hex64(v))
        .take(MAX_CANDIDATES)
        .map(|v| v.to_ascii_lowercase())
        .collect::<Vec<_>>();
    if candidates.iter().any(|c| macs.contains(c)) {
        assert!(
            result.is_ok(),
            "a header holding a valid signature must verify: {header:?} gave {result:?}"
        );
    }
}

/// Runs the three entry points on `header` and compares them with the model; returns what
/// `verify_signature` answered.
fn check(webhook: &Webhook, body: &[u8], header: &str, macs: &[String]) -> Result<(), Error> {
    let parsed = parse_header(Some(header));
    let verified = webhook.verify_signature(body, Some(header));
    let authentic = webhook.authenticate(body, Some(header));

    // The entry points agree with each other.
    match (&parsed, &verified) {
        (Err(p), Err(v)) => assert_eq!(p, v, "parse_header and verify_signature, {header:?}"),
        (Err(p), Ok(())) => panic!("parse_header fails ({p:?}) yet {header:?} verifies"),
        (Ok(_), _) => {}
    }
    match (&authentic, &verified) {
        (Ok(a), Ok(())) => {
            let signature = a.signature();
            assert!(
                macs.contains(&signature),
                "authenticate passes on {signature:?}, no MAC of the body"
            );
            assert_eq!(a.body(), body);
        }
        (Err(a), Err(v)) => assert_eq!(a, v, "authenticate and verify_signature, {header:?}"),
        _ => panic!("authenticate and verify_signature disagree on {header:?}"),
    }
    if let Ok(candidates) = &parsed {
        let n = candidates.as_slice().len();
        assert!((1..=MAX_CANDIDATES).contains(&n), "{n} candidates");
    }

    // The model, where the ways of trimming agree on the values.
    let unicode = values(header, str::trim);
    let ascii = values(header, |s| {
        s.trim_matches(|c: char| c.is_ascii_whitespace())
    });
    let http = values(header, |s| s.trim_matches([' ', '\t']));
    if unicode != ascii || unicode != http {
        return verified;
    }
    let expected_candidates: Vec<[u8; 32]> = unicode
        .iter()
        .filter(|v| is_hex64(v))
        .take(MAX_CANDIDATES)
        .map(|v| decode(v))
        .collect();
    let first_problem = unicode.iter().find(|v| !is_hex64(v)).map(|v| {
        if v.len() == 64 {
            Malformed::NotHex
        } else {
            Malformed::Length { found: v.len() }
        }
    });
    match (&parsed, expected_candidates.is_empty(), first_problem) {
        (Ok(c), false, _) => assert_eq!(c.as_slice(), &expected_candidates[..], "{header:?}"),
        (Err(Error::MissingSignature), true, None) => {}
        (Err(Error::MalformedSignature(got)), true, Some(expected)) => {
            assert_eq!(*got, expected, "{header:?}")
        }
        (got, _, problem) => panic!(
            "{header:?}: parse_header gives {got:?}; expected {} candidates, first problem {problem:?}",
            expected_candidates.len()
        ),
    }
    if !expected_candidates.is_empty() {
        let verifies = expected_candidates.iter().any(|c| {
            let hex: String = c.iter().map(|b| format!("{b:02x}")).collect();
            macs.contains(&hex)
        });
        let expected = if verifies {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        };
        assert_eq!(verified, expected, "{header:?}");
    }
    verified
}

/// The non-blank values of a header, trimmed by `trim`.
fn values(header: &str, trim: fn(&str) -> &str) -> Vec<&str> {
    header
        .split(',')
        .map(trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_hex64(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn decode(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}
