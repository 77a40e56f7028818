//! JavaScript bindings for the npm package.
//!
//! Deliberately thin: the core decides, these functions only translate. The idiomatic API
//! (`Webhook`, `on()`, middleware, `handle()`) is the JS wrapper in `pkg-template/`. Bodies
//! and headers are written by JS straight into a buffer the verifier reserves, once per call;
//! the verified event object is built in JS by `JSON.parse` of the same body, which is faster
//! than converting a Rust value across the boundary and keeps every field as received.

use std::time::{Duration, UNIX_EPOCH};

use wasm_bindgen::prelude::*;

use atlasbrokers_webhooks::mac::{InnerHash, Key, Software};
use atlasbrokers_webhooks::{Error, Webhook};

/// A failure as JS sees it: the core's stable code, HTTP status and message.
#[wasm_bindgen]
pub struct VerifyError(Error);

#[wasm_bindgen]
impl VerifyError {
    /// Stable snake_case code.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.0.code().to_owned()
    }

    /// HTTP status to answer with.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.0.http_status()
    }

    /// What happened and what to do.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.0.to_string()
    }

    /// Whether the signature had verified before this error (see `Error::is_authentic`).
    #[wasm_bindgen(getter)]
    pub fn authentic(&self) -> bool {
        self.0.is_authentic()
    }
}

impl From<Error> for VerifyError {
    fn from(e: Error) -> Self {
        VerifyError(e)
    }
}

/// The error raised when a framework already parsed the body (see `Error::BodyAlreadyParsed`).
#[wasm_bindgen(js_name = bodyAlreadyParsedError)]
pub fn body_already_parsed_error() -> VerifyError {
    Error::BodyAlreadyParsed.into()
}

/// The error for a body over the limit, for shells that stop reading early.
#[wasm_bindgen(js_name = bodyTooLargeError)]
pub fn body_too_large_error(size: f64, max: f64) -> VerifyError {
    Error::BodyTooLarge {
        size: size as u64,
        max: max as usize,
    }
    .into()
}

/// The error for a non-POST request.
#[wasm_bindgen(js_name = methodNotAllowedError)]
pub fn method_not_allowed_error() -> VerifyError {
    Error::MethodNotAllowed.into()
}

#[wasm_bindgen]
extern "C" {
    /// A SHA-256 from the platform (the Node entry's wraps node:crypto, which uses the CPU's
    /// SHA instructions): `digest(ptr, len, out)` hashes `len` bytes of wasm memory at `ptr`
    /// and writes the 32-byte digest at `out`.
    pub type PlatformSha256;

    #[wasm_bindgen(method)]
    fn digest(this: &PlatformSha256, ptr: u32, len: u32, out: u32);

    /// The receive time when the caller gives none and a tolerance is set: wasm32 has no clock.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Room kept before the body in the scratch buffer, so a key's 64-byte HMAC pad and the body
/// are one contiguous message for the platform's one-shot hash.
const PAD: usize = 64;

/// The platform's SHA-256 as HMAC's inner hash, over the pad room and the body after it.
struct Platform<'s> {
    sha256: &'s PlatformSha256,
    /// The `PAD` bytes right before the reserved body.
    pad: &'s mut [u8],
}

impl Platform<'_> {
    /// Bodies shorter than this are hashed in wasm: below it, the call out to the platform
    /// costs more than it saves (measured crossover 150-200 B in Node 20 with SHA-NI, the
    /// Node entry writing the digest straight into wasm memory; it was 300-400 B with a
    /// Buffer digest copied in). `node bench/ab.mjs pkg/index.mjs pkg/node.mjs`.
    const MIN_BODY: usize = 192;
}

impl InnerHash for Platform<'_> {
    fn inner_hash(&mut self, key: &Key, body: &[u8]) -> [u8; 32] {
        // The platform hashes one span of wasm memory: the pad written right before the body.
        let contiguous = self.pad.len() == PAD && self.pad.as_ptr_range().end == body.as_ptr();
        if body.len() < Self::MIN_BODY || !contiguous {
            return Software.inner_hash(key, body);
        }
        self.pad.copy_from_slice(key.inner_pad());
        let mut out = [0u8; 32];
        self.sha256.digest(
            self.pad.as_ptr() as u32,
            (PAD + body.len()) as u32,
            out.as_mut_ptr() as u32,
        );
        out
    }
}

/// A configured verifier: secrets keyed once, then verify many bodies.
#[wasm_bindgen]
pub struct Verifier {
    webhook: Webhook,
    /// `PAD` bytes, then where JS writes each delivery (see `reserve`); reused, so it grows to
    /// the largest one.
    scratch: Vec<u8>,
    platform: Option<PlatformSha256>,
    /// The last `verifyReserved` failure, until `takeError` hands it to JS (see `FAILED`).
    error: Option<Error>,
}

/// What `verifyReserved` returns when verification failed: JS then takes the error with
/// `takeError`. A plain number, where a `Result` would come back to JS as a new array on every
/// call (a multi-value return), the cost of a few dozen bytes of hashing.
pub const FAILED: u32 = u32::MAX;

#[wasm_bindgen]
impl Verifier {
    /// `secret` as UTF-8 bytes; `tolerance_seconds` off when absent; `max_body_bytes` defaults
    /// to 1 MiB. A value that cannot mean what was intended (NaN, negative, a fraction of a
    /// byte) is `invalid_option`, not silently a verifier that refuses every delivery.
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &[u8],
        tolerance_seconds: Option<f64>,
        max_body_bytes: Option<f64>,
    ) -> Result<Verifier, VerifyError> {
        let mut webhook = Webhook::new(secret)?;
        if let Some(seconds) = tolerance_seconds {
            let tolerance =
                Duration::try_from_secs_f64(seconds).map_err(|_| Error::InvalidOption {
                    name: "toleranceSeconds",
                    expected: "a finite number of seconds, 0 or more (leave it out to turn the \
                           window off)",
                })?;
            webhook = webhook.with_tolerance(tolerance);
        }
        if let Some(max) = max_body_bytes {
            // 2^53: every integer below it is exact in a JS number.
            if !(max >= 1.0 && max.fract() == 0.0 && max <= 9_007_199_254_740_992.0) {
                return Err(Error::InvalidOption {
                    name: "maxBodyBytes",
                    expected: "a whole number of bytes, 1 or more (default 1048576)",
                }
                .into());
            }
            webhook = webhook.with_max_body_bytes(max as usize);
        }
        Ok(Verifier {
            webhook,
            scratch: Vec::new(),
            platform: None,
            error: None,
        })
    }

    /// Adds a previous secret (rotation).
    #[wasm_bindgen(js_name = addPreviousSecret)]
    pub fn add_previous_secret(&mut self, secret: &[u8]) -> Result<(), VerifyError> {
        self.webhook = self.webhook.clone().with_previous_secret(secret)?;
        Ok(())
    }

    /// Computes HMACs with the platform's SHA-256 from now on (the Node entry's).
    #[wasm_bindgen(js_name = usePlatformSha256)]
    pub fn use_platform_sha256(&mut self, sha256: PlatformSha256) {
        self.platform = Some(sha256);
    }

    /// Room for the next delivery's body and header, `len` bytes at the returned address in
    /// wasm memory. JS encodes straight into it (`TextEncoder.encodeInto`, or a copy of the
    /// bytes): one copy, no allocation per call, where a `&str` argument would cost a
    /// character-by-character loop plus an allocation and a free for each of the two.
    pub fn reserve(&mut self, len: usize) -> *mut u8 {
        // Grown, never cleared: JS overwrites what it uses and verifyReserved reads only that.
        if self.scratch.len() < PAD + len {
            self.scratch.resize(PAD + len, 0);
        }
        self.scratch[PAD..].as_mut_ptr()
    }

    /// Verifies the body in the first `body_len` reserved bytes against the header in the
    /// `header_len` bytes after it (absent: missing header) and types its data. The tolerance
    /// is checked against `received_at_ms` when given, else against `Date.now()`. The delivery
    /// id is asked for separately (`deliveryIdText`), only when JS reads it.
    ///
    /// With `text_at`, a verified body that is not all ASCII is also written as UTF-16LE at
    /// that reserved offset (room for two bytes per body byte), for JS to make the string
    /// JSON.parse reads without a slow UTF-8 decoder: returns the units written, 0 for an
    /// all-ASCII body (its bytes are its text) or without `text_at`. See `utf16.rs`. A failure
    /// returns [`FAILED`] and keeps the error for [`Self::take_error`].
    #[wasm_bindgen(js_name = verifyReserved)]
    pub fn verify_reserved(
        &mut self,
        body_len: usize,
        header_len: Option<usize>,
        received_at_ms: Option<f64>,
        text_at: Option<usize>,
    ) -> u32 {
        let result = self.verify_reserved_result(body_len, header_len, received_at_ms, text_at);
        self.answer(result)
    }

    /// A verification's result as JS reads it: the number (at most two units or bytes a body
    /// byte, and a body is at most 4 GiB of wasm memory), or [`FAILED`] with the error kept.
    fn answer(&mut self, result: Result<usize, Error>) -> u32 {
        result.map_or_else(
            |e| {
                self.error = Some(e);
                FAILED
            },
            |n| n as u32,
        )
    }

    /// The error of the last `verifyReserved` that returned [`FAILED`] (then never absent).
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&mut self) -> Option<VerifyError> {
        self.error.take().map(VerifyError)
    }

    fn verify_reserved_result(
        &mut self,
        body_len: usize,
        header_len: Option<usize>,
        received_at_ms: Option<f64>,
        text_at: Option<usize>,
    ) -> Result<usize, Error> {
        let pad_len = PAD.min(self.scratch.len());
        let (pad, reserved) = self.scratch.split_at_mut(pad_len);
        // The text goes after the body and header; an offset inside them (a wrapper bug) or
        // past the room gets no text rather than a panic.
        let text_at = text_at.filter(|&at| at >= body_len && at <= reserved.len());
        let (reserved, text_out) = reserved.split_at_mut(text_at.unwrap_or(reserved.len()));
        let (body, rest) = reserved.split_at(body_len.min(reserved.len()));
        let header = header_len.map(|len| {
            // encodeInto always writes UTF-8; anything else would be a bug in the wrapper, and
            // reads as a malformed header rather than a panic.
            std::str::from_utf8(&rest[..len.min(rest.len())]).unwrap_or("\u{fffd}")
        });
        check(
            &self.webhook,
            self.platform.as_ref(),
            pad,
            body,
            header,
            received_at_ms,
        )?;
        match text_at {
            Some(_) if text_out.len() >= 2 * body.len() => {
                Ok(crate::utf16::write_utf16le(body, text_out))
            }
            _ => Ok(0),
        }
    }

    /// [`Self::verify_reserved`] of a string body of `units` UTF-16 units that JS wrote at
    /// reserved offset `input_at` as its units (`wide`, UTF-16LE) or, when no character is above
    /// U+00FF, one byte each (Latin-1), where the runtime copies them much faster than
    /// `encodeInto` encodes UTF-8 (V8: ~1 ns a character once a string is not all ASCII). They
    /// become the UTF-8 bytes that are verified, exactly as `encodeInto` would write them, at
    /// the start of the room, which keeps three bytes a unit for them; the header is read after
    /// that room, at `3 * units`. Returns the body's length in UTF-8 bytes, or [`FAILED`].
    #[wasm_bindgen(js_name = verifyReservedText)]
    pub fn verify_reserved_text(
        &mut self,
        units: usize,
        header_len: Option<usize>,
        received_at_ms: Option<f64>,
        input_at: usize,
        wide: bool,
    ) -> u32 {
        let result = self.verify_text_result(units, header_len, received_at_ms, input_at, wide);
        self.answer(result)
    }

    fn verify_text_result(
        &mut self,
        units: usize,
        header_len: Option<usize>,
        received_at_ms: Option<f64>,
        input_at: usize,
        wide: bool,
    ) -> Result<usize, Error> {
        let pad_len = PAD.min(self.scratch.len());
        let (pad, reserved) = self.scratch.split_at_mut(pad_len);
        // Offsets that overlap or overrun (a wrapper bug) read as an empty body and no
        // header, which fail verification, rather than a panic.
        let body_room = units.saturating_mul(3);
        let input_len = if wide { units.saturating_mul(2) } else { units };
        let fits = body_room <= input_at
            && input_at
                .checked_add(input_len)
                .is_some_and(|end| end <= reserved.len());
        let (out, input) = reserved.split_at_mut(if fits { input_at } else { 0 });
        let body_len = match (fits, wide) {
            (false, _) => 0,
            (true, true) => {
                crate::utf16::utf8_from_utf16le(&input[..input_len], &mut out[..body_room])
            }
            (true, false) => {
                crate::utf16::utf8_from_latin1(&input[..input_len], &mut out[..body_room])
            }
        };
        let (body, rest) = out.split_at(body_len);
        let header = header_len.map(|len| {
            let at = body_room - body_len;
            rest.get(at..at.saturating_add(len))
                .and_then(|h| std::str::from_utf8(h).ok())
                .unwrap_or("\u{fffd}")
        });
        check(
            &self.webhook,
            self.platform.as_ref(),
            pad,
            body,
            header,
            received_at_ms,
        )?;
        Ok(body_len)
    }

    /// Signs a text body with the current secret.
    #[wasm_bindgen(js_name = signText)]
    pub fn sign_text(&self, body: &str) -> String {
        self.webhook.sign(body)
    }

    /// Signs a byte body with the current secret.
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(&self, body: &[u8]) -> String {
        self.webhook.sign(body)
    }
}

/// The verification of a reserved body: the signature, with the platform's SHA-256 when lent,
/// then the envelope's rules, which check every catalog field's type (JS can then trust
/// JSON.parse), with nothing decoded or copied (`Webhook::verify_with`).
/// The tolerance is checked against `received_at_ms` when given, else against `Date.now()`
/// (read only when a tolerance is set).
fn check(
    webhook: &Webhook,
    platform: Option<&PlatformSha256>,
    pad: &mut [u8],
    body: &[u8],
    header: Option<&str>,
    received_at_ms: Option<f64>,
) -> Result<(), Error> {
    let received_at = received_at_ms
        .or_else(|| webhook.tolerance().map(|_| date_now()))
        .map(|ms| UNIX_EPOCH + Duration::from_millis(ms.max(0.0) as u64));
    match platform {
        Some(sha256) => {
            let mut hash = Platform { sha256, pad };
            webhook.verify_with(body, header, received_at, &mut hash)?;
        }
        None => {
            webhook.verify_with(body, header, received_at, &mut Software)?;
        }
    }
    Ok(())
}

/// The delivery id (lowercase hex SHA-256) of a text body (UTF-8).
#[wasm_bindgen(js_name = deliveryIdText)]
pub fn delivery_id_text(body: &str) -> String {
    atlasbrokers_webhooks::delivery_id(body)
}

/// The delivery id of a byte body.
#[wasm_bindgen(js_name = deliveryIdBytes)]
pub fn delivery_id_bytes(body: &[u8]) -> String {
    atlasbrokers_webhooks::delivery_id(body)
}

/// Lowercase hex HMAC-SHA256 of a text body (UTF-8).
#[wasm_bindgen(js_name = signText)]
pub fn sign_text(secret: &[u8], body: &str) -> String {
    atlasbrokers_webhooks::sign(secret, body)
}

/// Lowercase hex HMAC-SHA256 of a byte body.
#[wasm_bindgen(js_name = signBytes)]
pub fn sign_bytes(secret: &[u8], body: &[u8]) -> String {
    atlasbrokers_webhooks::sign(secret, body)
}

/// Why an event pattern (`on()`'s first argument) can never match a catalog event, with the
/// valid choices; `undefined` when it is fine. The core's rule (`patterns.rs`).
#[wasm_bindgen(js_name = checkPattern)]
pub fn check_pattern(pattern: &str) -> Option<String> {
    atlasbrokers_webhooks::check_pattern(pattern)
        .err()
        .map(|e| e.to_string())
}

/// Whether `pattern` takes the event named `event` (the core's rule, `patterns.rs`).
#[wasm_bindgen(js_name = patternMatches)]
pub fn pattern_matches(pattern: &str, event: &str) -> bool {
    atlasbrokers_webhooks::pattern_matches(pattern, event)
}
