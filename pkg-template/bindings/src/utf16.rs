//! Text in and out of wasm for runtimes whose own converters are slow on non-ASCII text (V8's
//! `TextEncoder.encodeInto` and Node 20's `TextDecoder`: ~0.7-2 ns a character, where copying
//! a string's UTF-16 units, or its Latin-1 bytes, in or out is a memcpy).
//!
//! - [`write_utf16le`]: a verified byte body as UTF-16, for JS to make the string JSON.parse
//!   reads. Asked for only after verification, so the bytes are valid UTF-8 (the core's JSON
//!   scanner checked every string, and JSON allows no other non-ASCII byte).
//! - [`utf8_from_utf16le`] and [`utf8_from_latin1`]: a string body, copied in as its UTF-16
//!   units or (no character above U+00FF) one byte a character, as the UTF-8 bytes that are
//!   verified (exactly what `encodeInto` would have written).

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

/// Writes the UTF-16LE units in `input` (two bytes each; an odd last byte is ignored) as UTF-8
/// into `out` (room for three bytes a unit) and returns the bytes written. A lone surrogate
/// becomes U+FFFD, as `TextEncoder.encodeInto` writes it; everything else is exact.
pub fn utf8_from_utf16le(input: &[u8], out: &mut [u8]) -> usize {
    let units = input.len() / 2;
    let out = &mut out[..3 * units];
    let unit = |k: usize| u16::from_le_bytes([input[2 * k], input[2 * k + 1]]);
    let (mut k, mut o) = (0, 0);
    while k < units {
        // Eight ASCII units at a time, each narrowed to its byte: one 8-byte store.
        while let (Some(chunk), Some(to)) = (input.get(2 * k..2 * k + 16), out.get_mut(o..o + 8)) {
            let (a, b) = chunk.split_at(8);
            let a = u64::from_le_bytes(a.try_into().unwrap_or([0xff; 8]));
            let b = u64::from_le_bytes(b.try_into().unwrap_or([0xff; 8]));
            if (a | b) & 0xff80_ff80_ff80_ff80 != 0 {
                break;
            }
            to.copy_from_slice(&(u64::from(narrow(a)) | u64::from(narrow(b)) << 32).to_le_bytes());
            k += 8;
            o += 8;
        }
        let Some(u) = (k < units).then(|| unit(k)) else {
            break;
        };
        k += 1;
        let c = match u {
            0..=0x7f => {
                out[o] = u as u8;
                o += 1;
                continue;
            }
            0xd800..=0xdbff if k < units && (0xdc00..=0xdfff).contains(&unit(k)) => {
                let low = unit(k);
                k += 1;
                0x10000 + ((u32::from(u) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
            }
            0xd800..=0xdfff => 0xfffd,
            _ => u32::from(u),
        };
        o += encode_utf8(c, &mut out[o..]);
    }
    o
}

/// Writes the scalar value `c` (U+0080 to U+10FFFF, no surrogate) as UTF-8; returns its length.
fn encode_utf8(c: u32, out: &mut [u8]) -> usize {
    let continuation = |shift: u32| 0x80 | (c >> shift & 0x3f) as u8;
    match c {
        0..=0x7ff => {
            out[..2].copy_from_slice(&[0xc0 | (c >> 6) as u8, continuation(0)]);
            2
        }
        0x800..=0xffff => {
            out[..3].copy_from_slice(&[0xe0 | (c >> 12) as u8, continuation(6), continuation(0)]);
            3
        }
        _ => {
            out[..4].copy_from_slice(&[
                0xf0 | (c >> 18) as u8,
                continuation(12),
                continuation(6),
                continuation(0),
            ]);
            4
        }
    }
}

/// Writes the Latin-1 `input` (one character a byte: a JS string with no character above
/// U+00FF) as UTF-8 into `out` (room for two bytes a character) and returns the bytes written.
pub fn utf8_from_latin1(input: &[u8], out: &mut [u8]) -> usize {
    let out = &mut out[..2 * input.len()];
    let (mut i, mut o) = (0, 0);
    while i < input.len() {
        // Sixteen ASCII characters at a time: copied as they are, as two 8-byte words.
        while let (Some(chunk), Some(to)) = (input.get(i..i + 16), out.get_mut(o..o + 16)) {
            let (a, b) = chunk.split_at(8);
            let a = u64::from_le_bytes(a.try_into().unwrap_or([0x80; 8]));
            let b = u64::from_le_bytes(b.try_into().unwrap_or([0x80; 8]));
            if (a | b) & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            let (lo, hi) = to.split_at_mut(8);
            lo.copy_from_slice(&a.to_le_bytes());
            hi.copy_from_slice(&b.to_le_bytes());
            i += 16;
            o += 16;
        }
        let Some(&b) = input.get(i) else {
            break;
        };
        i += 1;
        if b < 0x80 {
            out[o] = b;
            o += 1;
        } else {
            out[o] = 0xc0 | b >> 6;
            out[o + 1] = 0x80 | (b & 0x3f);
            o += 2;
        }
    }
    o
}

/// Four ASCII characters as UTF-16LE (each byte followed by a zero byte): their four bytes.
fn narrow(units: u64) -> u32 {
    let x = units & 0x00ff_00ff_00ff_00ff;
    let x = (x | x >> 8) & 0x0000_ffff_0000_ffff;
    (x | x >> 16) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each text after 0 to 8 ASCII characters: every alignment of its characters against the
    /// converters' 8- and 16-byte steps.
    fn at_every_offset(texts: &[&str], check: impl Fn(&str)) {
        for text in texts {
            for prefix in 0..9 {
                check(&format!("{}{text}", "x".repeat(prefix)));
            }
        }
    }

    fn utf16(text: &[u8]) -> Vec<u16> {
        let mut out = vec![0xaa; text.len() * 2];
        let units = write_utf16le(text, &mut out);
        out[..units * 2]
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect()
    }

    fn utf8(units: &[u16]) -> Vec<u8> {
        let input: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        let mut out = vec![0xaa; 3 * units.len()];
        let n = utf8_from_utf16le(&input, &mut out);
        out.truncate(n);
        out
    }

    #[test]
    fn utf16_text_becomes_rusts_utf8_at_every_offset() {
        let texts = [
            "",
            "{\"event\":\"deal.won\",\"data\":{}}",
            "é",
            "{\"n\":\"abc déf 🏠 — xyz\u{2028}\"}",
            "0123456é89abcdefgh🏠",
            "🏠0123456789abcdef",
            "abcdefgh\u{ffff}\u{7f}\u{80}\u{7ff}\u{800}",
        ];
        at_every_offset(&texts, |text| {
            let units: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(utf8(&units), text.as_bytes(), "{text:?}");
        });
    }

    #[test]
    fn a_lone_surrogate_becomes_a_replacement_character_as_encode_into_writes_it() {
        // A high one at the end and before a non-surrogate, a low one alone, two highs.
        for units in [
            &[0x61, 0xd83c][..],
            &[0xd83c, 0x61, 0x62, 0x63, 0x64, 0x65],
            &[0xdfe0, 0x61],
            &[0xd83c, 0xd83c, 0xdfe0],
        ] {
            let expected = String::from_utf16_lossy(units);
            assert_eq!(utf8(units), expected.as_bytes(), "{units:x?}");
        }
    }

    #[test]
    fn latin1_text_becomes_rusts_utf8_at_every_offset() {
        let texts = [
            "",
            "ascii only, longer than eight",
            "é",
            "Montréal, Québec: ÀÉÎÕÜ ÿ \u{80}\u{ff}",
        ];
        at_every_offset(&texts, |text| {
            let latin1: Vec<u8> = text.chars().map(|c| c as u8).collect();
            let mut out = vec![0xaa; 2 * latin1.len()];
            let n = utf8_from_latin1(&latin1, &mut out);
            assert_eq!(&out[..n], text.as_bytes(), "{text:?}");
        });
    }

    #[test]
    fn an_odd_last_byte_is_ignored() {
        let mut out = [0u8; 3];
        assert_eq!(utf8_from_utf16le(&[0x61, 0x00, 0x62], &mut out), 1);
        assert_eq!(out[0], b'a');
    }

    #[test]
    fn ascii_is_left_to_the_caller() {
        assert!(utf16(b"").is_empty());
        assert!(utf16(br#"{"event":"deal.won","data":{}}"#).is_empty());
    }

    #[test]
    fn non_ascii_text_equals_rusts_utf16_at_every_offset() {
        // Multi-byte characters (2, 3 and 4 bytes) before, inside and after 8-byte runs.
        let texts = [
            "é",
            "{\"n\":\"abc déf 🏠 — xyz\u{2028}\"}",
            "0123456é89abcdefgh🏠",
            "🏠0123456789abcdef",
            "abcdefgh\u{ffff}",
        ];
        at_every_offset(&texts, |text| {
            let expected: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(utf16(text.as_bytes()), expected, "{text:?}");
        });
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
