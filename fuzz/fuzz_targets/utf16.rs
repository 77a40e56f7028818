//! The npm bindings' hand-written text conversions (`utf16.rs`) against the standard library's,
//! on any bytes, never panicking:
//! - UTF-8 to UTF-16LE (a verified byte body's text for Node): the same units, or 0 for an
//!   all-ASCII body;
//! - UTF-16LE to UTF-8 (a string body copied in as its units): what `encodeInto` writes, lone
//!   surrogates as U+FFFD;
//! - Latin-1 to UTF-8 (a string body with no character above U+00FF, one byte each).
#![no_main]
use atlasbrokers_webhooks_wasm::utf16::{utf8_from_latin1, utf8_from_utf16le, write_utf16le};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let mut out = vec![0u8; 2 * body.len()];
    let units = write_utf16le(body, &mut out);
    if body.is_ascii() {
        assert_eq!(units, 0, "an all-ASCII body is its own text");
    } else {
        let expected: Vec<u16> = String::from_utf8_lossy(body).encode_utf16().collect();
        let got: Vec<u16> = out[..2 * units]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(got, expected);
    }

    // The same bytes read as UTF-16LE units (an odd last byte ignored).
    let wide: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut utf8 = vec![0u8; 3 * wide.len()];
    let n = utf8_from_utf16le(body, &mut utf8);
    assert_eq!(&utf8[..n], String::from_utf16_lossy(&wide).as_bytes());

    // And as Latin-1 characters.
    let mut utf8 = vec![0u8; 2 * body.len()];
    let n = utf8_from_latin1(body, &mut utf8);
    let expected: String = body.iter().map(|&b| char::from(b)).collect();
    assert_eq!(&utf8[..n], expected.as_bytes());
});
