//! JavaScript bindings for the npm package (feature `wasm`, wasm32 only).
//!
//! Deliberately thin: the core decides, these functions only translate. The idiomatic API
//! (`Webhook`, `on()`, middleware, `handle()`) is the JS wrapper in `pkg-template/`. Bodies
//! arrive as `&str` or `&[u8]` so wasm-bindgen copies them straight into wasm memory once;
//! the verified event object is built in JS by `JSON.parse` of the same body, which is faster
//! than converting a Rust value across the boundary and keeps every field as received.

use std::time::{Duration, UNIX_EPOCH};

use wasm_bindgen::prelude::*;

use crate::{Error, Webhook};

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
        size: size as usize,
        max: max as usize,
    }
    .into()
}

/// The error for a non-POST request.
#[wasm_bindgen(js_name = methodNotAllowedError)]
pub fn method_not_allowed_error() -> VerifyError {
    Error::MethodNotAllowed.into()
}

/// A configured verifier: secrets keyed once, then verify many bodies.
#[wasm_bindgen]
pub struct Verifier(Webhook);

#[wasm_bindgen]
impl Verifier {
    /// `secret` as UTF-8 bytes; `tolerance_seconds` off when absent; `max_body_bytes` defaults
    /// to 1 MiB.
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &[u8],
        tolerance_seconds: Option<f64>,
        max_body_bytes: Option<f64>,
    ) -> Result<Verifier, VerifyError> {
        let mut webhook = Webhook::new(secret)?;
        if let Some(seconds) = tolerance_seconds {
            // try_: NaN or negative must not panic; they read as no slack at all.
            let tolerance = Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO);
            webhook = webhook.with_tolerance(tolerance);
        }
        if let Some(max) = max_body_bytes {
            webhook = webhook.with_max_body_bytes(max.max(0.0) as usize);
        }
        Ok(Verifier(webhook))
    }

    /// Adds a previous secret (rotation).
    #[wasm_bindgen(js_name = addPreviousSecret)]
    pub fn add_previous_secret(&mut self, secret: &[u8]) -> Result<(), VerifyError> {
        self.0 = self.0.clone().with_previous_secret(secret)?;
        Ok(())
    }

    /// Verifies a text body and types its data; returns the idempotency key.
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(
        &self,
        body: &str,
        header: Option<String>,
        received_at_ms: Option<f64>,
    ) -> Result<String, VerifyError> {
        self.verify(body.as_bytes(), header, received_at_ms)
    }

    /// Verifies a byte body and types its data; returns the idempotency key.
    #[wasm_bindgen(js_name = verifyBytes)]
    pub fn verify_bytes(
        &self,
        body: &[u8],
        header: Option<String>,
        received_at_ms: Option<f64>,
    ) -> Result<String, VerifyError> {
        self.verify(body, header, received_at_ms)
    }

    /// Signs a text body with the current secret.
    #[wasm_bindgen(js_name = signText)]
    pub fn sign_text(&self, body: &str) -> String {
        self.0.sign(body)
    }

    /// Signs a byte body with the current secret.
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(&self, body: &[u8]) -> String {
        self.0.sign(body)
    }

    fn verify(
        &self,
        body: &[u8],
        header: Option<String>,
        received_at_ms: Option<f64>,
    ) -> Result<String, VerifyError> {
        let header = header.as_deref();
        let delivery = match received_at_ms {
            // JS passes Date.now() (or the user's receivedAt) only when a tolerance is set.
            Some(ms) => {
                let at = UNIX_EPOCH + Duration::from_millis(ms.max(0.0) as u64);
                self.0
                    .clone()
                    .with_received_at(at)
                    .verify_summary(body, header)?
            }
            // The summary has checked every catalog field's type: JS can trust JSON.parse.
            None => self.0.verify_summary(body, header)?,
        };
        Ok(delivery.idempotency_key())
    }
}

/// Lowercase hex HMAC-SHA256 of a text body (UTF-8).
#[wasm_bindgen(js_name = signText)]
pub fn sign_text(secret: &[u8], body: &str) -> String {
    crate::sign(secret, body)
}

/// Lowercase hex HMAC-SHA256 of a byte body.
#[wasm_bindgen(js_name = signBytes)]
pub fn sign_bytes(secret: &[u8], body: &[u8]) -> String {
    crate::sign(secret, body)
}
