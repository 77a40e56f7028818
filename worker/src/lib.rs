//! atlasbrokers-edge: verifies AtlasBrokers deliveries at the edge and forwards them durably
//! to Zapier Catch Hooks and Make.com Custom Webhooks.
//!
//! A functional core, a thin shell. The modules that decide (configuration, routes, retry
//! policy, queue messages, responses, logs, admin auth) are pure Rust with native unit tests;
//! the workerd handlers (`shell`, wasm32 only) read requests and bindings, call them, and
//! carry out what they decide.

/// Serializes enums by their `as_str()`: one spelling per value, the same in JSON bodies, log
/// lines and D1 columns (which are bound as text, not through serde).
macro_rules! serialize_as_str {
    ($($name:ty),+) => {$(
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )+};
}

pub mod auth;
pub mod config;
pub mod console;
pub mod consume;
pub mod filters;
pub mod headers;
pub mod health;
pub mod ledger;
pub mod log;
pub mod message;
pub mod receive;
pub mod responses;
pub mod retention;
pub mod retry;
pub mod routes;
pub mod stats;

#[cfg(target_arch = "wasm32")]
mod shell;

/// Shown at `/healthz` and in the `User-Agent` of forwarded requests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `User-Agent` destinations see.
pub fn user_agent() -> String {
    format!("atlasbrokers-edge/{VERSION}")
}
