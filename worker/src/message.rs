//! What travels through the queues, and the KV keys of bodies.

use atlasbrokers_webhooks::signature::sha256_hex;
use serde::{Deserialize, Serialize};

use crate::headers::Forwarded;
use crate::ledger::{Position, StoredDelivery};

/// Bodies larger than this go to KV and the message carries the key (a queue message is
/// limited to 128 KB, and the message has more than the body in it).
pub const INLINE_BODY_MAX: usize = 96 * 1024;

/// The body as a queue message carries it, or `None` when it goes to KV instead: too large, or
/// not UTF-8 (messages are JSON, so the body travels as text; KV holds any bytes).
pub fn inline_body(body: &[u8]) -> Option<&str> {
    std::str::from_utf8(body)
        .ok()
        .filter(|_| body.len() <= INLINE_BODY_MAX)
}

/// One delivery to one destination: a queue message. It carries the delivery (ids, the body
/// or its KV key) and its position; what to do with it is decided by the ledger's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The delivery id (the body's SHA-256, see `atlasbrokers_webhooks::delivery_id`):
    /// `X-Atlas-Delivery-Id`.
    pub id: String,
    /// The event name; empty for an authentic body without one.
    pub event: String,
    pub destination: String,
    /// The original `X-Webhook-Secret`, still valid for the body.
    pub signature: String,
    /// 0: whatever attempt is due (from receiving, a replay or a resume); else the generation
    /// a retry was scheduled in (see `ledger::CLAIM`). Messages from before the ledger have
    /// none, and are treated as 0.
    #[serde(default)]
    pub generation: u32,
    /// The attempt a retry was scheduled for (1-based); 0 with generation 0.
    #[serde(default)]
    pub attempt: u32,
    /// The exact body as received (verified JSON, so valid UTF-8), when small enough...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// ...else the KV key it is stored under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_key: Option<String>,
    pub received_at_ms: u64,
    /// From the envelope, for the ledger's row (absent when the body is not the envelope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// When this message was asked for (the post, replay or resume that sent it): a generation-0
    /// message restarts a delivery that died or began waiting for a retry before then.
    #[serde(default)]
    pub requested_at_ms: u64,
    /// `X-Atlas-Envelope-Problem` for an authentic body that is not the expected envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope_problem: Option<String>,
}

impl Delivery {
    /// A queue message's delivery: ours from version 0.2's dead-letter queue
    /// (`{"delivery": ...}`), or a delivery. `None`: not ours, nothing to do.
    pub fn from_queue(body: &serde_json::Value) -> Option<Delivery> {
        // Read from the borrowed value: no copy of the (up to 96 KB) body per attempt.
        match LegacyDeadLetter::deserialize(body) {
            Ok(letter) => Some(letter.delivery),
            Err(_) => Delivery::deserialize(body).ok(),
        }
    }

    /// Where this message stands in its delivery's history.
    pub fn position(&self) -> Position {
        if self.generation == 0 {
            Position {
                generation: 0,
                attempt: 0,
            }
        } else {
            Position {
                generation: self.generation,
                attempt: self.attempt,
            }
        }
    }

    /// The headers' view of it, as this attempt.
    pub fn forwarded(&self, attempt: u32) -> Forwarded<'_> {
        Forwarded {
            event: &self.event,
            delivery_id: &self.id,
            attempt,
            signature: &self.signature,
            envelope_problem: self.envelope_problem.as_deref(),
        }
    }

    /// The message for the retry after `attempt` of `generation`.
    pub fn retry(&self, generation: u32, attempt: u32) -> Delivery {
        Delivery {
            generation,
            attempt: attempt + 1,
            ..self.clone()
        }
    }
}

/// The message that sends a stored delivery to `destination` again: the body inline when it
/// fits, else under `body_key` in KV (where a replay found it).
pub fn replay_message(
    stored: &StoredDelivery,
    destination: &str,
    body: &[u8],
    body_key: &str,
    now_ms: u64,
) -> Delivery {
    let inline = inline_body(body);
    Delivery {
        id: stored.id.clone(),
        event: stored.event.clone(),
        destination: destination.to_owned(),
        signature: stored.signature.clone(),
        generation: 0,
        attempt: 0,
        body: inline.map(str::to_owned),
        body_key: inline.is_none().then(|| body_key.to_owned()),
        received_at_ms: stored.received_at,
        workspace_id: None,
        requested_at_ms: now_ms,
        envelope_problem: stored.envelope_problem.clone(),
    }
}

/// A dead letter as version 0.2 put it on its dead-letter queue and in KV (`dead:…`): read so
/// that an upgrade records them in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDeadLetter {
    pub delivery: Delivery,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub last_outcome: Option<String>,
    #[serde(default)]
    pub last_status: Option<u16>,
    #[serde(default)]
    pub failed_at_ms: u64,
}

/// A delivery version 0.2 kept in KV (`parked:…`) for a destination that answered 410.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyParked {
    pub delivery: Delivery,
}

/// Version 0.2's mark (`gone:<destination>`) that a destination answered 410.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyGoneMark {
    pub since_ms: u64,
    pub delivery_id: String,
}

/// KV keys. Ids are hashed again so every key has a fixed length whatever a message holds.
pub mod keys {
    use super::sha256_hex;

    /// The body of a dead letter or a kept delivery (what a replay or a resume sends).
    pub fn body(id: &str) -> String {
        format!("body:{}", sha256_hex(id))
    }

    /// A body too large for a queue message, as one receipt stored it for its messages. Each
    /// receipt has its own key: a Replay's copy is then never the key the ledger holds from an
    /// earlier receipt, which retention may delete before the Replay's messages are consumed.
    pub fn in_flight(id: &str, received_at_ms: u64) -> String {
        format!("{}:{received_at_ms}", body(id))
    }

    /// Whether `key` is one of this delivery's body keys ([`body`] or [`in_flight`]): only
    /// those are ever deleted on a ledger row's word.
    pub fn is_body_key_of(key: &str, id: &str) -> bool {
        let own = body(id);
        match key.strip_prefix(own.as_str()) {
            Some("") => true,
            Some(rest) => rest.strip_prefix(':').is_some_and(|ms| {
                !ms.is_empty() && ms.len() <= 20 && ms.bytes().all(|b| b.is_ascii_digit())
            }),
            None => false,
        }
    }

    /// Where version 0.2 kept dead letters, kept deliveries and gone marks (see
    /// `POST /admin/upgrade/kv`).
    pub const LEGACY_DEAD: &str = "dead:";
    pub const LEGACY_PARKED: &str = "parked:";
    pub const LEGACY_GONE: &str = "gone:";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery() -> Delivery {
        Delivery {
            id: "e775fad58ae0e1bbb6123a4a2d667054535f5cc8b0d8639a643850a0ea9055be".into(),
            event: "deal.won".into(),
            destination: "zapier".into(),
            signature: "ab".repeat(32),
            generation: 0,
            attempt: 0,
            body: Some("{}".into()),
            body_key: None,
            received_at_ms: 1,
            workspace_id: None,
            requested_at_ms: 1,
            envelope_problem: None,
        }
    }

    #[test]
    fn messages_round_trip_through_json() {
        let d = delivery();
        let json = serde_json::to_string(&d).unwrap();
        assert!(
            !json.contains("bodyKey"),
            "absent fields are left out: {json}"
        );
        assert_eq!(serde_json::from_str::<Delivery>(&json).unwrap(), d);
        let retry = d.retry(3, 2);
        assert_eq!((retry.generation, retry.attempt), (3, 3));
        assert_eq!(retry.body, d.body);
        assert_eq!(retry.requested_at_ms, d.requested_at_ms);
    }

    #[test]
    fn messages_from_before_the_ledger_take_whatever_is_due() {
        let old = r#"{"id":"x","event":"deal.won","destination":"zapier","signature":"ab","attempt":4,"body":"{}","receivedAtMs":1}"#;
        let d: Delivery = serde_json::from_str(old).unwrap();
        assert_eq!(
            d.position(),
            Position {
                generation: 0,
                attempt: 0
            }
        );
        let letter = format!(
            r#"{{"delivery":{old},"reason":"exhausted","lastOutcome":"timeout","failedAtMs":5}}"#
        );
        assert_eq!(
            serde_json::from_str::<LegacyDeadLetter>(&letter)
                .unwrap()
                .delivery,
            d
        );
        for queued in [letter.as_str(), old] {
            let value = serde_json::from_str(queued).unwrap();
            assert_eq!(Delivery::from_queue(&value).as_ref(), Some(&d));
        }
        assert_eq!(Delivery::from_queue(&serde_json::json!({"x": 1})), None);
    }

    #[test]
    fn bodies_too_large_or_not_utf8_travel_through_kv() {
        assert_eq!(inline_body(b"{}"), Some("{}"));
        assert_eq!(
            inline_body(&[b'x'; INLINE_BODY_MAX]).map(str::len),
            Some(INLINE_BODY_MAX)
        );
        assert_eq!(inline_body(&[b'x'; INLINE_BODY_MAX + 1]), None);
        assert_eq!(inline_body(b"\xff"), None);
    }

    #[test]
    fn body_keys_have_a_fixed_length() {
        let id = &delivery().id;
        assert_eq!(keys::body(id).len(), 5 + 64);
        assert_ne!(keys::body(id), keys::body("other"));
    }

    #[test]
    fn each_receipt_keeps_its_body_under_its_own_key() {
        let id = &delivery().id;
        let first = keys::in_flight(id, 1_772_000_000_000);
        let replay = keys::in_flight(id, 1_772_600_000_000);
        assert_ne!(first, replay);
        for key in [&first, &replay] {
            assert_ne!(key, &keys::body(id));
            assert!(keys::is_body_key_of(key, id), "{key}");
            assert!(!keys::is_body_key_of(key, "other"), "{key}");
        }
        assert!(keys::is_body_key_of(&keys::body(id), id));
        let own = keys::body(id);
        for foreign in [
            format!("{own}:"),
            format!("{own}:12a"),
            format!("{own}x"),
            format!("{own}:1:2"),
            format!("{own}:{}", "9".repeat(21)),
            "dead:001772000000500:sink:ab".to_owned(),
        ] {
            assert!(!keys::is_body_key_of(&foreign, id), "{foreign}");
        }
    }
}
