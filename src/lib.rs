//! Receive AtlasBrokers webhooks safely: verify the HMAC-SHA256 signature of the raw body,
//! then read the delivery as a typed event.
//!
//! AtlasBrokers POSTs `{event, timestamp, workspaceId, data}` and signs the exact body bytes
//! with your webhook secret, sending lowercase hex in the `X-Webhook-Secret` header.
//!
//! ```
//! use atlasbrokers_webhooks::{Event, Webhook, EVENT_TYPES};
//!
//! # let body = EVENT_TYPES[0].sample_body.as_bytes();
//! # let header_value = atlasbrokers_webhooks::sign("whsec_test", body);
//! # let header = Some(header_value.as_str());
//! let webhook = Webhook::new("whsec_test")?;
//! // `body`: the raw request bytes, before any JSON parsing; `header`: X-Webhook-Secret.
//! let delivery = webhook.verify_event(body, header)?;
//! match &delivery.data {
//!     Event::LeadCreated(lead) => println!("new lead {}", lead.id),
//!     Event::DealWon(deal) => println!("won {} {}", deal.value, deal.currency),
//!     other => println!("{} (not handled here)", other.name()),
//! }
//! # Ok::<(), atlasbrokers_webhooks::Error>(())
//! ```
//!
//! Layout: [`signature`] (sign, header parsing), [`mac`] (HMAC keyed once, the
//! [`mac::InnerHash`] seam), [`Webhook`] (verification options), [`Envelope`] (parsing,
//! idempotency key), the catalog table in `catalog/mod.rs` (what its words mean in
//! `catalog/types.rs`, its macro in `catalog/macros.rs`), [`patterns`] (which events a handler
//! or a destination takes), and [`Error`] with stable codes.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod catalog;
mod delivery;
mod envelope;
mod error;
mod json;
pub mod mac;
pub mod patterns;
pub mod signature;
mod summary;
mod timestamp;
mod webhook;

pub use catalog::*;
pub use delivery::delivery_id;
pub use envelope::Envelope;
pub use error::{Error, Malformed};
pub use patterns::{check_pattern, pattern_matches, PatternError};
pub use signature::{sign, HEADER_NAME};
pub use summary::Summary;
pub use timestamp::Timestamp;
pub use webhook::{Authentic, Webhook, DEFAULT_MAX_BODY_BYTES};
