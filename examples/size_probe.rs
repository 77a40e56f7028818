//! Exports the core's sign and verify to WebAssembly so `make size` can measure what the core
//! costs in a wasm module. Not an API: the npm package has the real bindings.

use wasm_bindgen::prelude::*;

/// The idempotency key of a verified delivery, or the error code.
#[wasm_bindgen]
pub fn verify(secret: &str, body: &[u8], header: &str) -> String {
    let verified = atlasbrokers_webhooks::Webhook::new(secret)
        .and_then(|w| w.verify_event(body, Some(header)));
    match verified {
        Ok(delivery) => delivery.idempotency_key(),
        Err(e) => e.code().to_owned(),
    }
}

/// Lowercase hex HMAC-SHA256 of `body`.
#[wasm_bindgen]
pub fn sign(secret: &str, body: &[u8]) -> String {
    atlasbrokers_webhooks::sign(secret, body)
}
