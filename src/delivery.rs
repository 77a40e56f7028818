//! The delivery id: what tells two deliveries apart, in the crate, the npm package and the
//! edge verifier alike.

use crate::signature::sha256_hex;

/// The id of the delivery whose body is `body`: its SHA-256 in lowercase hex (64 characters).
///
/// AtlasBrokers sends no delivery id, and its Replay button re-sends the stored event byte for
/// byte, so the digest of the exact body is the same for a delivery and its Replays, and
/// different for any two deliveries that differ at all. A key built from the envelope's fields
/// (`event`, `workspaceId`, `data.id`, `timestamp`) cannot promise that: two events with the
/// same id and second but different content would merge, and the fields' text can hold any
/// character, so no separator is safe. The digest is also always safe in an HTTP header.
///
/// ```
/// let a = br#"{"event":"deal.won","workspaceId":"ws:1","data":{"id":"x"}}"#;
/// let b = br#"{"event":"deal.won","workspaceId":"ws","data":{"id":"1:x"}}"#;
/// assert_ne!(atlasbrokers_webhooks::delivery_id(a), atlasbrokers_webhooks::delivery_id(b));
/// assert_eq!(atlasbrokers_webhooks::delivery_id(a).len(), 64);
/// ```
pub fn delivery_id(body: impl AsRef<[u8]>) -> String {
    sha256_hex(body)
}
