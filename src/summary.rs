//! The fast path: everything verification decides about a body, read in one pass without
//! building its `data` tree. The envelope's rules (the four fields, the catalog's field
//! types, the idempotency key) live here once; [`Envelope::parse`](crate::Envelope::parse)
//! builds on it.
//!
//! The visitors never fail on a JSON type they did not expect: they note it, and the rules
//! below decide. (A visitor error would link serde_json's message formatting and, through
//! serde's description of the unexpected value, float formatting: ~25 KB of wasm. serde_json's
//! `RawValue` has such an error path too, which is why it is not used.)

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Error;
use crate::events::{EventType, JsonKind};
use crate::signature::sha256_hex;
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
    key_id: Cow<'a, str>,
}

impl<'a> Summary<'a> {
    /// Parses and checks a body: a JSON object with a non-empty `event`, an RFC 3339
    /// `timestamp`, a non-empty `workspaceId` and an object `data` whose catalog fields have
    /// their declared types. Does not check any signature.
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        // The visitors accept any JSON, so every error here is a syntax error.
        let value: Value<'a> = serde_json::from_slice(body).map_err(|e| Error::InvalidJson {
            line: e.line(),
            column: e.column(),
        })?;
        let Value::Object(envelope) = value else {
            return Err(Error::envelope("$", "a JSON object"));
        };
        let event = non_empty(
            last(&envelope, "event"),
            "event",
            "a non-empty string such as \"deal.won\"",
        )?;
        let timestamp = match last(&envelope, "timestamp") {
            Some(Value::Str(t)) => Timestamp::parse(t),
            _ => None,
        }
        .ok_or(Error::envelope("timestamp", TIMESTAMP_EXPECTED))?;
        let workspace_id = non_empty(
            last(&envelope, "workspaceId"),
            "workspaceId",
            "a non-empty string",
        )?;
        let Some(Value::Object(data)) = last(&envelope, "data") else {
            return Err(Error::envelope("data", "a JSON object"));
        };

        if let Some(event_type) = EventType::find(&event) {
            event_type.check_fields(|i| {
                last(data, event_type.fields[i].json).map_or(JsonKind::Absent, Value::kind)
            })?;
        }
        let id = last(data, "id");
        let data_id = match id {
            Some(Value::Str(id)) => Some(id.clone()),
            _ => None,
        };
        let key_id = match id {
            Some(Value::Str(id) | Value::Int(id)) if !id.is_empty() => id.clone(),
            _ => Cow::Owned(sha256_hex(body)),
        };
        Ok(Summary {
            event,
            timestamp,
            workspace_id,
            data_id,
            key_id,
        })
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

    /// `"{event}:{workspaceId}:{data.id}:{timestamp}"`, see
    /// [`Envelope::idempotency_key`](crate::Envelope::idempotency_key).
    pub fn idempotency_key(&self) -> String {
        idempotency_key(
            &self.event,
            &self.workspace_id,
            &self.key_id,
            &self.timestamp,
        )
    }

    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }
}

/// The one definition of the idempotency key's format.
pub(crate) fn idempotency_key(
    event: &str,
    workspace_id: &str,
    key_id: &str,
    timestamp: &Timestamp,
) -> String {
    format!("{event}:{workspace_id}:{key_id}:{}", timestamp.as_str())
}

/// The value of `key` in an object's entries; with duplicate keys the last one wins, as in
/// `JSON.parse` and `serde_json::Value`.
fn last<'v, 'a>(entries: &'v [(Cow<'a, str>, Value<'a>)], key: &str) -> Option<&'v Value<'a>> {
    entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn non_empty<'a>(
    value: Option<&Value<'a>>,
    field: &'static str,
    expected: &'static str,
) -> Result<Cow<'a, str>, Error> {
    match value {
        Some(Value::Str(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(Error::envelope(field, expected)),
    }
}

/// A JSON value as far as the envelope's rules look into it: the top-level object and `data`
/// keep their entries, strings and integers their text (borrowed unless escaped), anything
/// deeper only its kind.
#[derive(Debug)]
enum Value<'a> {
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
    Str(Cow<'a, str>),
    Int(Cow<'a, str>),
    Float,
    Null,
    Other,
}

impl Value<'_> {
    fn kind(&self) -> JsonKind {
        match self {
            Value::Str(_) => JsonKind::String,
            Value::Int(_) | Value::Float => JsonKind::Number,
            Value::Null => JsonKind::Null,
            Value::Object(_) | Value::Other => JsonKind::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Objects are kept two levels deep: the envelope and its `data`.
        deserializer.deserialize_any(ValueVisitor { depth: 2 })
    }
}

struct ValueVisitor {
    /// How many more levels of objects keep their entries.
    depth: u8,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value<'de>, E> {
        Ok(Value::Int(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value<'de>, E> {
        Ok(Value::Int(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value<'de>, E> {
        Ok(Value::Float)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value<'de>, E> {
        Ok(Value::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        if self.depth == 0 {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Other);
        }
        let mut entries = Vec::with_capacity(12);
        while let Some(Text(key)) = map.next_key()? {
            // Below the envelope only `data` is looked into.
            let depth = if self.depth == 2 && key == "data" {
                1
            } else {
                0
            };
            let value = map.next_value_seed(ValueVisitor { depth })?;
            entries.push((key, value));
        }
        Ok(Value::Object(entries))
    }
}

impl<'de> de::DeserializeSeed<'de> for ValueVisitor {
    type Value = Value<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An object key, borrowed unless it has escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            // JSON object keys are always strings, so no other visit_* is ever called.
        }
        deserializer.deserialize_any(TextVisitor)
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
        assert_eq!(
            s.idempotency_key(),
            "deal.won:ws_é:d\"1:2026-03-02T14:23:11.000Z"
        );
    }

    #[test]
    fn the_last_duplicate_data_key_wins() {
        let body = br#"{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"w","data":{"id":"a","title":"t","value":"x","value":1,"currency":"CAD","closedAt":"x","id":"b"}}"#;
        let s = Summary::parse(body).unwrap();
        assert_eq!(s.data_id(), Some("b"));
    }
}
