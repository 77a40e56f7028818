//! The fast path: everything verification decides about a body, read in one pass without
//! building its `data` tree. The envelope's rules (the four fields, the catalog's field
//! types) live here once; [`Envelope::parse`](crate::Envelope::parse)
//! builds on it.
//!
//! The body is read by [`crate::json`], a scanner that keeps only what these rules look at.

use std::borrow::Cow;

use crate::catalog::rules::{check_fields, JsonKind};
use crate::catalog::{rules_for, EventType};
use crate::error::Error;
use crate::json::{self, Text, TopLevel, Value};
use crate::timestamp::Timestamp;

const TIMESTAMP_EXPECTED: &str = "an RFC 3339 date-time such as \"2026-03-02T14:23:11.000Z\"";

/// What a delivery says about itself, borrowed from its body: enough to route, dedupe and
/// forward it (the edge verifier and the npm package need no more). Built by
/// [`Webhook::verify_summary`](crate::Webhook::verify_summary).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary<'a> {
    event: Cow<'a, str>,
    timestamp: Timestamp,
    workspace_id: Cow<'a, str>,
    data_id: Option<Cow<'a, str>>,
}

/// A body that passed the envelope's rules, with what they read still borrowed and undecoded:
/// a [`Summary`] is made from it, and a caller that parses the body itself (the npm package,
/// whose JavaScript runs `JSON.parse`) needs nothing more, so pays no decoding or copying.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked<'a> {
    event: Text<'a>,
    timestamp: Text<'a>,
    /// The timestamp as an instant (nanoseconds since the Unix epoch).
    unix_nanos: i128,
    workspace_id: Text<'a>,
    data_id: Option<Text<'a>>,
}

impl<'a> Checked<'a> {
    /// See [`Summary::parse`]: the same rules in the same order.
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut top = TopLevel::default();
        let object = json::parse(body, &mut top)
            .map_err(|(line, column)| Error::InvalidJson { line, column })?;
        if !object {
            return Err(Error::envelope("$", "a JSON object"));
        }
        let event = non_empty(
            top.event,
            "event",
            "a non-empty string such as \"deal.won\"",
        )?;
        let (timestamp, unix_nanos) = match top.timestamp {
            Some(Value::Str(t)) => Timestamp::nanos_of(&t.bytes()).map(|nanos| (t, nanos)),
            _ => None,
        }
        .ok_or(Error::envelope("timestamp", TIMESTAMP_EXPECTED))?;
        let workspace_id = non_empty(top.workspace_id, "workspaceId", "a non-empty string")?;
        let Some(data) = top.data() else {
            return Err(Error::envelope("data", "a JSON object"));
        };

        if let Some(rules) = rules_for(&event.bytes()) {
            check_fields(rules, |json| data.last(json).map_or(JsonKind::Absent, kind))?;
        }
        let data_id = match data.last("id") {
            Some(Value::Str(id)) => Some(id),
            _ => None,
        };
        Ok(Checked {
            event,
            timestamp,
            unix_nanos,
            workspace_id,
            data_id,
        })
    }

    pub(crate) fn unix_nanos(&self) -> i128 {
        self.unix_nanos
    }

    /// The summary: the fields decoded, the timestamp's text copied.
    pub(crate) fn summary(&self) -> Summary<'a> {
        Summary {
            event: self.event.get(),
            timestamp: Timestamp::from_parts(self.timestamp.get().into_owned(), self.unix_nanos),
            workspace_id: self.workspace_id.get(),
            data_id: self.data_id.map(|id| id.get()),
        }
    }
}

impl<'a> Summary<'a> {
    /// Parses and checks a body: a JSON object with a non-empty `event`, an RFC 3339
    /// `timestamp`, a non-empty `workspaceId` and an object `data` whose catalog fields have
    /// their declared types. Does not check any signature.
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        Checked::parse(body).map(|checked| checked.summary())
    }

    /// The event's wire name, e.g. `deal.won`.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The catalog entry of the event, or `None` for an event outside the catalog.
    pub fn event_type(&self) -> Option<&'static EventType> {
        EventType::find(&self.event)
    }

    /// When AtlasBrokers fired the event.
    pub fn timestamp(&self) -> &Timestamp {
        &self.timestamp
    }

    /// The workspace that generated the event.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// `data.id` when it is a string.
    pub fn data_id(&self) -> Option<&str> {
        self.data_id.as_deref()
    }
}

/// The top-level `event` of a body when it is a JSON object whose `event` is a non-empty
/// string, whatever else is wrong with it.
pub(crate) fn event_of(body: &[u8]) -> Option<Cow<'_, str>> {
    let mut top = TopLevel::default();
    let Ok(true) = json::parse(body, &mut top) else {
        return None;
    };
    non_empty(top.event, "event", "")
        .ok()
        .map(|event| event.get())
}

fn kind(value: Value<'_>) -> JsonKind {
    match value {
        Value::Str(_) => JsonKind::String,
        Value::Number => JsonKind::Number,
        Value::Null => JsonKind::Null,
        Value::Other => JsonKind::Other,
    }
}

fn non_empty<'a>(
    value: Option<Value<'a>>,
    field: &'static str,
    expected: &'static str,
) -> Result<Text<'a>, Error> {
    match value {
        Some(Value::Str(s)) if !s.is_empty() => Ok(s),
        _ => Err(Error::envelope(field, expected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_in_keys_and_values_are_read_as_json_reads_them() {
        // "\u0069d" is "id"; the event name and workspace carry escapes too.
        let body = br#"{"event":"deal.w\u006fn","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_\u00e9","data":{"\u0069d":"d\"1","title":"t","value":1,"currency":"CAD","closedAt":"x"}}"#;
        let s = Summary::parse(body).unwrap();
        assert_eq!(s.event(), "deal.won");
        assert_eq!(s.workspace_id(), "ws_é");
        assert_eq!(s.data_id(), Some("d\"1"));
    }

    #[test]
    fn a_lone_surrogate_is_accepted_as_json_parse_does() {
        // A sender truncating "🏠" to its first UTF-16 unit: JSON.stringify escapes the half.
        let body = br#"{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"w","data":{"id":"d\ud83c","title":"t \ud83c","value":1,"currency":"CAD","closedAt":"x"}}"#;
        let s = Summary::parse(body).unwrap();
        assert_eq!(s.data_id(), Some("d\u{fffd}"));
    }

    #[test]
    fn the_event_of_a_body_that_is_not_the_envelope() {
        assert_eq!(event_of(br#"{"event":"ping"}"#).as_deref(), Some("ping"));
        assert_eq!(
            event_of(br#"{"event":"deal.won","event":"x\u0041"}"#).as_deref(),
            Some("xA")
        );
        for none in [
            &b"{}"[..],
            b"[]",
            b"{\"event\":\"\"}",
            b"{\"event\":1}",
            b"nope",
        ] {
            assert_eq!(event_of(none), None);
        }
    }

    #[test]
    fn the_last_duplicate_data_key_wins() {
        let body = br#"{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"w","data":{"id":"a","title":"t","value":"x","value":1,"currency":"CAD","closedAt":"x","id":"b"}}"#;
        let s = Summary::parse(body).unwrap();
        assert_eq!(s.data_id(), Some("b"));
    }
}
