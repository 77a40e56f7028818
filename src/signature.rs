//! HMAC-SHA256 over the raw body, as lowercase hex in `X-Webhook-Secret`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Malformed};

type HmacSha256 = Hmac<Sha256>;

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
    Key::new(secret.as_ref()).sign(body.as_ref())
}

/// SHA-256 of a 64-byte `prefix` followed by the body, supplied by the caller (see
/// [`Key::matches_with`]).
pub(crate) type Sha256Fn<'f> = &'f mut dyn FnMut(&[u8; 64], &[u8]) -> [u8; 32];

/// One secret with its HMAC state keyed once, so each verification skips the key setup.
#[derive(Clone)]
pub(crate) struct Key {
    mac: HmacSha256,
    /// The key block XOR ipad (RFC 2104), for the inner hash over another SHA-256.
    inner_pad: [u8; 64],
    /// SHA-256 having absorbed the key block XOR opad: the outer hash is then one block.
    outer: Sha256,
}

impl Key {
    pub(crate) fn new(secret: &[u8]) -> Self {
        // HMAC takes keys of any length (long ones are hashed), so this cannot fail.
        let mac = match HmacSha256::new_from_slice(secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        let mut block = [0u8; 64];
        if secret.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        Key {
            mac,
            inner_pad: block.map(|b| b ^ 0x36),
            outer: Sha256::new().chain_update(block.map(|b| b ^ 0x5c)),
        }
    }

    pub(crate) fn sign(&self, body: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(body);
        to_hex(&mac.finalize().into_bytes())
    }

    /// Constant-time comparison of the MAC of `body` with `expected`.
    pub(crate) fn matches(&self, body: &[u8], expected: &[u8; 32]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(body);
        mac.verify_slice(expected).is_ok()
    }

    /// [`Key::matches`] with the inner hash, the one over the body, from a SHA-256 elsewhere:
    /// the npm package's Node entry passes node:crypto's, which uses the CPU's SHA
    /// instructions that wasm lacks. The outer hash is one block from the keyed state, here.
    pub(crate) fn matches_with(&self, body: &[u8], expected: &[u8; 32], sha256: Sha256Fn) -> bool {
        let inner = sha256(&self.inner_pad, body);
        let mac: [u8; 32] = self.outer.clone().chain_update(inner).finalize().into();
        mac.ct_eq(expected).into()
    }
}

/// Parses the header: trims surrounding whitespace, accepts either hex case, and rejects
/// missing, wrong-length and non-hex values before any MAC work is done.
pub(crate) fn parse_header(header: Option<&str>) -> Result<[u8; 32], Error> {
    let value = header.map(str::trim).unwrap_or("");
    if value.is_empty() {
        return Err(Error::MissingSignature);
    }
    let bytes = value.as_bytes();
    if bytes.len() != SIGNATURE_HEX_LEN {
        return Err(Error::MalformedSignature(Malformed::Length {
            found: bytes.len(),
        }));
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        match (nibble(pair[0]), nibble(pair[1])) {
            (Some(hi), Some(lo)) => *byte = hi << 4 | lo,
            _ => return Err(Error::MalformedSignature(Malformed::NotHex)),
        }
    }
    Ok(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex, as `digest('hex')` and `hexdigest()` produce.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

/// SHA-256 of `bytes` as lowercase hex: stands in for a missing `data.id` in idempotency keys,
/// and gives the edge verifier fixed-length storage keys.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    to_hex(&Sha256::digest(bytes.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing_distinguishes_each_failure() {
        assert_eq!(parse_header(None), Err(Error::MissingSignature));
        assert_eq!(parse_header(Some(" \t ")), Err(Error::MissingSignature));
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
    }

    #[test]
    fn header_accepts_both_cases_and_surrounding_whitespace() {
        let lower = "00ff".repeat(16);
        let upper = format!("  {}\r\n", lower.to_uppercase());
        assert_eq!(parse_header(Some(&lower)), parse_header(Some(&upper)));
        assert_eq!(parse_header(Some(&lower)).unwrap()[1], 0xff);
    }

    #[test]
    fn hmac_over_an_outside_sha256_equals_the_hmac_crate() {
        let mut sha256 = |prefix: &[u8; 64], rest: &[u8]| -> [u8; 32] {
            Sha256::new()
                .chain_update(prefix)
                .chain_update(rest)
                .finalize()
                .into()
        };
        let body = b"{\"event\":\"deal.won\"}";
        // Key lengths around the block size: padded, exactly one block, hashed first.
        for len in [0, 1, 32, 63, 64, 65, 200] {
            let key = Key::new(&vec![0xa5; len]);
            let mac: [u8; 32] = HmacSha256::new_from_slice(&vec![0xa5; len])
                .unwrap()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .into();
            assert!(
                key.matches_with(body, &mac, &mut sha256),
                "key length {len}"
            );
            let mut wrong = mac;
            wrong[31] ^= 1;
            assert!(!key.matches_with(body, &wrong, &mut sha256));
        }
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
