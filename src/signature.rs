//! HMAC-SHA256 over the raw body, as lowercase hex in `X-Webhook-Secret`.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Malformed};
use crate::mac::{Key, Software};

/// The header AtlasBrokers signs deliveries in (HTTP header names are case-insensitive).
pub const HEADER_NAME: &str = "X-Webhook-Secret";

/// Length of the hex signature AtlasBrokers sends: 32 bytes of HMAC-SHA256.
pub const SIGNATURE_HEX_LEN: usize = 64;

/// Signs `body` with `secret`: lowercase hex HMAC-SHA256 of the exact bytes, the value
/// AtlasBrokers puts in `X-Webhook-Secret`. Use it to test your own receivers.
///
/// ```
/// let sig = atlasbrokers_webhooks::sign("whsec_test", br#"{"event":"deal.won"}"#);
/// assert_eq!(sig.len(), 64);
/// ```
pub fn sign(secret: impl AsRef<[u8]>, body: impl AsRef<[u8]>) -> String {
    signature_hex(&Key::new(secret.as_ref()).mac(body.as_ref(), &mut Software))
}

/// At most this many values are read from one header: AtlasBrokers sends one, a proxy that
/// duplicates the line makes two; more is hostile and only costs comparisons.
const MAX_CANDIDATES: usize = 8;

/// The signatures a header offers: one value, or several joined by `,` (how a Fetch `Headers`
/// object and most proxies join duplicated header lines). Each is trimmed; either hex case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    values: [[u8; 32]; MAX_CANDIDATES],
    len: usize,
}

impl Candidates {
    /// The decoded signatures, in header order.
    pub fn as_slice(&self) -> &[[u8; 32]] {
        &self.values[..self.len]
    }

    /// The first candidate equal to `mac`, compared in constant time against every one (so
    /// the time taken does not tell which, if any, matched).
    pub(crate) fn find(&self, mac: &[u8; 32]) -> Option<usize> {
        // Compared as four 64-bit words: the same constant-time comparison in a quarter of the
        // steps (subtle fences each one from the optimizer, which costs most in wasm).
        let mac = words(mac);
        self.as_slice()
            .iter()
            .enumerate()
            .fold(None, |found, (i, candidate)| {
                let equal: bool = words(candidate).ct_eq(&mac).into();
                found.or(equal.then_some(i))
            })
    }
}

/// A signature as four little-endian 64-bit words.
fn words(signature: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (word, bytes) in out.iter_mut().zip(signature.chunks_exact(8)) {
        *word = u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
    }
    out
}

/// Parses the `X-Webhook-Secret` header into the signatures it offers, rejecting a missing
/// header (or one of blanks only) and one where no value is 64 hex characters, before any
/// MAC work. Values that are not well formed are skipped when another one is.
pub fn parse_header(header: Option<&str>) -> Result<Candidates, Error> {
    let mut out = Candidates {
        values: [[0; 32]; MAX_CANDIDATES],
        len: 0,
    };
    // The header AtlasBrokers sends: one value, nothing around it (what the loop below would
    // read too, without its splitting and Unicode trimming).
    if let Some(Ok(signature)) = header.filter(|h| h.len() == SIGNATURE_HEX_LEN).map(decode) {
        out.values[0] = signature;
        out.len = 1;
        return Ok(out);
    }
    let mut first_problem = None;
    for value in header.unwrap_or("").split(',').map(str::trim) {
        if value.is_empty() {
            continue;
        }
        match decode(value) {
            Ok(signature) if out.len < MAX_CANDIDATES => {
                out.values[out.len] = signature;
                out.len += 1;
            }
            Ok(_) => break,
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    match (out.len, first_problem) {
        (0, None) => Err(Error::MissingSignature),
        (0, Some(problem)) => Err(Error::MalformedSignature(problem)),
        _ => Ok(out),
    }
}

/// One header value: 64 hex digits, either case.
fn decode(value: &str) -> Result<[u8; 32], Malformed> {
    let bytes = value.as_bytes();
    if bytes.len() != SIGNATURE_HEX_LEN {
        return Err(Malformed::Length { found: bytes.len() });
    }
    let mut out = [0u8; 32];
    // Every digit is looked up before any is judged: one check for the whole value.
    let mut invalid = 0;
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        invalid |= hi | lo;
        *byte = hi << 4 | lo & 0x0f;
    }
    if invalid & NOT_HEX != 0 {
        return Err(Malformed::NotHex);
    }
    Ok(out)
}

/// Marks a byte that is not a hex digit in [`NIBBLES`].
const NOT_HEX: u8 = 0x10;

/// Each byte's value as a hex digit (either case), or [`NOT_HEX`].
const NIBBLES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = match c as u8 {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => NOT_HEX,
        };
        c += 1;
    }
    table
};

/// Lowercase hex, as `digest('hex')` and `hexdigest()` produce.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

/// SHA-256 of `bytes` as lowercase hex: the delivery id (see [`crate::delivery_id`]), and
/// fixed-length storage keys in the edge verifier.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    to_hex(&Sha256::digest(bytes.as_ref()))
}

/// A signature as AtlasBrokers writes it: lowercase hex.
pub fn signature_hex(signature: &[u8; 32]) -> String {
    to_hex(signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(header: &str) -> [u8; 32] {
        let candidates = parse_header(Some(header)).unwrap();
        assert_eq!(candidates.as_slice().len(), 1, "{header}");
        candidates.as_slice()[0]
    }

    #[test]
    fn header_parsing_distinguishes_each_failure() {
        assert_eq!(parse_header(None), Err(Error::MissingSignature));
        assert_eq!(parse_header(Some(" \t ")), Err(Error::MissingSignature));
        assert_eq!(parse_header(Some(" , ,")), Err(Error::MissingSignature));
        assert_eq!(
            parse_header(Some("abc")),
            Err(Error::MalformedSignature(Malformed::Length { found: 3 }))
        );
        let not_hex = "g".repeat(64);
        assert_eq!(
            parse_header(Some(&not_hex)),
            Err(Error::MalformedSignature(Malformed::NotHex))
        );
        // 64 bytes made of multi-byte characters are not hex and must not split a char.
        let wide = "é".repeat(32);
        assert_eq!(
            parse_header(Some(&wide)),
            Err(Error::MalformedSignature(Malformed::NotHex))
        );
        // The first problem is the one reported when no value is well formed.
        assert_eq!(
            parse_header(Some(&format!("abc, {not_hex}"))),
            Err(Error::MalformedSignature(Malformed::Length { found: 3 }))
        );
    }

    #[test]
    fn header_accepts_both_cases_and_surrounding_whitespace() {
        let lower = "00ff".repeat(16);
        let upper = format!("  {}\r\n", lower.to_uppercase());
        assert_eq!(one(&lower), one(&upper));
        assert_eq!(one(&lower)[1], 0xff);
        assert_eq!(signature_hex(&one(&upper)), lower);
    }

    #[test]
    fn duplicated_header_lines_joined_by_commas_are_each_a_candidate() {
        let (a, b) = ("0a".repeat(32), "B0".repeat(32));
        let both = parse_header(Some(&format!("{a}, {b}"))).unwrap();
        assert_eq!(both.as_slice(), [one(&a), one(&b)]);
        // Malformed and blank values beside a good one are skipped.
        let mixed = parse_header(Some(&format!(" ,nope, {b},,"))).unwrap();
        assert_eq!(mixed.as_slice(), [one(&b)]);
        assert_eq!(both.find(&one(&b)), Some(1));
        assert_eq!(both.find(&[7; 32]), None);
        // A hostile header of thousands of values costs at most MAX_CANDIDATES comparisons.
        let many = vec![a.as_str(); 10_000].join(",");
        assert_eq!(
            parse_header(Some(&many)).unwrap().as_slice().len(),
            MAX_CANDIDATES
        );
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
