//! The npm bindings' hand-written UTF-8 to UTF-16LE conversion (`utf16.rs`, used to hand Node a
//! verified byte body's text) against the standard library's, on any bytes: the same units, or
//! 0 for an all-ASCII body, and never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let mut out = vec![0u8; 2 * body.len()];
    let units = atlasbrokers_webhooks_wasm::utf16::write_utf16le(body, &mut out);
    if body.is_ascii() {
        assert_eq!(units, 0, "an all-ASCII body is its own text");
        return;
    }
    let expected: Vec<u16> = String::from_utf8_lossy(body).encode_utf16().collect();
    let got: Vec<u16> = out[..2 * units]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(got, expected);
});
