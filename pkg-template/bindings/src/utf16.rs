//! A verified body as UTF-16, for runtimes whose UTF-8 decoder is slow on non-ASCII text
//! (Node 20's `TextDecoder` and `Buffer#toString`: ~2 ns a byte, where copying UTF-16 units
//! into a string is a memcpy). The wrapper asks for it only for byte bodies, after
//! verification, so the bytes are valid UTF-8 (the core's JSON scanner checked every string,
//! and JSON allows no other non-ASCII byte).

/// Writes `body` as UTF-16LE into `out` (at least twice its length) and returns the number of
/// units written, or 0 when `body` is all ASCII: its bytes are then its text, one unit each,
/// and nothing is written. Invalid UTF-8 (never, for a verified body) becomes U+FFFD, as
/// `TextDecoder` would decode it.
pub fn write_utf16le(body: &[u8], out: &mut [u8]) -> usize {
    if body.is_ascii() {
        return 0;
    }
    // One unit at most per body byte (U+FFFD for each invalid sequence).
    let out = &mut out[..2 * body.len()];
    match write_valid(body, out) {
        Some(units) => units,
        None => write_valid(String::from_utf8_lossy(body).as_bytes(), out).unwrap_or(0),
    }
}

/// [`write_utf16le`] of valid UTF-8 (each character checked as it is read; `None` at the first
/// invalid one, without a pass over the whole body first).
fn write_valid(bytes: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut o = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight ASCII bytes at a time, each widened to its unit: two 8-byte stores.
        if let (Some(chunk), Some(to)) = (bytes.get(i..i + 8), out.get_mut(o..o + 16)) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            if word & 0x8080_8080_8080_8080 == 0 {
                to[..8].copy_from_slice(&widen(word as u32).to_le_bytes());
                to[8..].copy_from_slice(&widen((word >> 32) as u32).to_le_bytes());
                i += 8;
                o += 16;
                continue;
            }
        }
        let len = match bytes[i] {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        let c = std::str::from_utf8(bytes.get(i..i + len)?)
            .ok()?
            .chars()
            .next()?;
        i += len;
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.get_mut(o..o + 2)?.copy_from_slice(&unit.to_le_bytes());
            o += 2;
        }
    }
    Some(o / 2)
}

/// Four bytes, each followed by a zero byte: four ASCII characters as UTF-16LE.
fn widen(four: u32) -> u64 {
    let x = u64::from(four);
    let x = (x | x << 16) & 0x0000_ffff_0000_ffff;
    (x | x << 8) & 0x00ff_00ff_00ff_00ff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &[u8]) -> Vec<u16> {
        let mut out = vec![0xaa; text.len() * 2];
        let units = write_utf16le(text, &mut out);
        out[..units * 2]
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect()
    }

    #[test]
    fn ascii_is_left_to_the_caller() {
        assert!(utf16(b"").is_empty());
        assert!(utf16(br#"{"event":"deal.won","data":{}}"#).is_empty());
    }

    #[test]
    fn non_ascii_text_equals_rusts_utf16_at_every_offset() {
        // Multi-byte characters (2, 3 and 4 bytes) before, inside and after 8-byte runs.
        for text in [
            "é",
            "{\"n\":\"abc déf 🏠 — xyz\u{2028}\"}",
            "0123456é89abcdefgh🏠",
            "🏠0123456789abcdef",
            "abcdefgh\u{ffff}",
        ] {
            for prefix in 0..9 {
                let text = format!("{}{text}", "x".repeat(prefix));
                let expected: Vec<u16> = text.encode_utf16().collect();
                assert_eq!(utf16(text.as_bytes()), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn invalid_utf8_reads_as_replacement_characters() {
        // A stray byte, a truncated character, an overlong form, a surrogate, past U+10FFFF.
        for bad in [
            &b"a\xffb"[..],
            b"abcdefgh\xe2\x80",
            b"x\xc0\xafy",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80z",
        ] {
            let expected: Vec<u16> = String::from_utf8_lossy(bad).encode_utf16().collect();
            assert_eq!(utf16(bad), expected, "{bad:?}");
        }
    }
}
