//! The delivery envelope `{event, timestamp, workspaceId, data}` and its idempotency key.

use serde_json::{Map, Value};

use crate::catalog::Event;
use crate::error::Error;
use crate::summary::Summary;
use crate::timestamp::Timestamp;

/// A parsed delivery. `data` is the raw JSON object by default, or a typed [`Event`] after
/// [`Envelope::into_event`] / [`Webhook::verify_event`](crate::Webhook::verify_event).
///
/// Serializing an envelope gives back JSON equal to what was received (same fields and values;
/// key order and insignificant whitespace may differ, which is why signatures are checked
/// against the raw bytes, never against a re-serialization).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<D = Map<String, Value>> {
    /// The event's wire name, e.g. `deal.won`.
    pub event: String,
    /// When AtlasBrokers fired the event; covered by the signature.
    pub timestamp: Timestamp,
    /// The workspace that generated the event.
    pub workspace_id: String,
    /// The event-specific payload.
    pub data: D,
    /// Top-level fields beyond the four documented ones, kept so nothing is lost.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The delivery id: the SHA-256 of the body it was parsed from.
    #[serde(skip)]
    delivery_id: String,
}

impl Envelope {
    /// Parses a body into an envelope without checking any signature: use
    /// [`Webhook::verify`](crate::Webhook::verify) for deliveries.
    pub fn parse(body: &[u8]) -> Result<Self, Error> {
        Self::from_summary(&Summary::parse(body)?, body)
    }

    /// Builds the owned envelope of `body` from the summary that checked it (e.g. after
    /// [`Webhook::verify_summary_at`](crate::Webhook::verify_summary_at)).
    pub fn from_summary(summary: &Summary<'_>, body: &[u8]) -> Result<Self, Error> {
        // The summary accepted this body, so it is a JSON object with an object `data`; only
        // what Rust strings cannot hold (a lone surrogate escape, which the summary reads as
        // U+FFFD) or f64 cannot (1e400) fails here.
        let mut fields: Map<String, Value> =
            serde_json::from_slice(body).map_err(|e| Error::InvalidJson {
                line: e.line(),
                column: e.column(),
            })?;
        let data = match fields.remove("data") {
            Some(Value::Object(data)) => data,
            _ => return Err(Error::envelope("data", "a JSON object")),
        };
        for known in ["event", "timestamp", "workspaceId"] {
            fields.remove(known);
        }
        Ok(Envelope {
            event: summary.event().to_owned(),
            timestamp: summary.timestamp().clone(),
            workspace_id: summary.workspace_id().to_owned(),
            data,
            extra: fields,
            delivery_id: crate::delivery_id(body),
        })
    }

    /// Types `data` according to `event` (see [`Event::from_data`]).
    pub fn into_event(self) -> Result<Envelope<Event>, Error> {
        let data = Event::from_data(&self.event, self.data)?;
        Ok(Envelope {
            event: self.event,
            timestamp: self.timestamp,
            workspace_id: self.workspace_id,
            data,
            extra: self.extra,
            delivery_id: self.delivery_id,
        })
    }
}

impl Envelope<Event> {
    /// The catalog's sample delivery for `name`, parsed and typed; `None` for a name outside
    /// the catalog.
    pub fn sample(name: &str) -> Option<Self> {
        let body = crate::EventType::find(name)?.sample_body;
        Envelope::parse(body.as_bytes()).ok()?.into_event().ok()
    }
}

impl<D> Envelope<D> {
    /// The delivery id, lowercase hex SHA-256 of the exact body (see
    /// [`crate::delivery_id`]): the same for a delivery and its manual Replays, different for
    /// any two deliveries that differ in a byte. Dedupe on it.
    pub fn idempotency_key(&self) -> &str {
        &self.delivery_id
    }
}

impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_data().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::sha256_hex;

    fn err(body: &str) -> Error {
        Envelope::parse(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn names_the_offending_field() {
        let ok = r#"{"event":"quote.sent","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_1","data":{"id":"d"}}"#;
        assert!(Envelope::parse(ok.as_bytes()).is_ok());
        let field = |body: &str| match err(body) {
            Error::InvalidEnvelope { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("[]"), "$");
        assert_eq!(
            field(&ok.replace(r#""event":"quote.sent""#, r#""event":"""#)),
            "event"
        );
        assert_eq!(
            field(&ok.replace("2026-03-02T14:23:11.000Z", "yesterday")),
            "timestamp"
        );
        assert_eq!(
            field(&ok.replace(r#""workspaceId":"ws_1""#, r#""workspaceId":1"#)),
            "workspaceId"
        );
        assert_eq!(field(&ok.replace(r#"{"id":"d"}"#, "[]")), "data");
        assert!(matches!(
            err("{\"event\":"),
            Error::InvalidJson { line: 1, .. }
        ));
    }

    #[test]
    fn idempotency_key_is_the_body_digest() {
        let body = r#"{"event":"x.y","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_1","data":{"n":1}}"#;
        let env = Envelope::parse(body.as_bytes()).unwrap();
        assert_eq!(env.idempotency_key(), sha256_hex(body.as_bytes()));
        let typed = env.clone().into_event().unwrap();
        assert_eq!(typed.idempotency_key(), env.idempotency_key());
    }
}
