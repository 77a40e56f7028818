//! What travels through the queues and what is kept in KV, and under which keys.

use atlasbrokers_webhooks::signature::sha256_hex;
use serde::{Deserialize, Serialize};

/// Bodies larger than this go to KV and the message carries the key (a queue message is
/// limited to 128 KB, and the message has more than the body in it).
pub const INLINE_BODY_MAX: usize = 96 * 1024;

/// One delivery to one destination: a queue message.
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
    /// 1 for the first attempt; the queue does not count for us.
    pub attempt: u32,
    /// The exact body as received (verified JSON, so valid UTF-8), when small enough...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// ...else the KV key it is stored under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_key: Option<String>,
    pub received_at_ms: u64,
    /// `X-Atlas-Envelope-Problem` for an authentic body that is not the expected envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope_problem: Option<String>,
}

impl Delivery {
    /// The same delivery, for its next attempt.
    pub fn next_attempt(&self) -> Delivery {
        Delivery {
            attempt: self.attempt + 1,
            ..self.clone()
        }
    }
}

/// A delivery kept for a destination that answered `410 Gone`, until the operator resumes it.
/// Holds its body, so it outlives the large-body entry in KV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parked {
    pub delivery: Delivery,
    pub parked_at_ms: u64,
}

/// That a destination answered `410 Gone`, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoneMark {
    pub since_ms: u64,
    pub delivery_id: String,
}

/// Authentic deliveries that were not the expected envelope: how many, and the last one's
/// code and field (never a value). Kept in KV for `/healthz`; read-modify-write, so under
/// concurrent problems the count is a lower bound.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvelopeProblems {
    pub count: u64,
    pub last_at_ms: u64,
    pub last_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_field: Option<String>,
}

/// A delivery given up on, as the dead-letter consumer records it in KV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub delivery: Delivery,
    /// `rejected` (a 4xx), `exhausted` (every attempt failed), or `body_expired`.
    pub reason: String,
    /// The last attempt's result: `http_error`, `timeout`, `network_error`.
    pub last_outcome: String,
    pub last_status: Option<u16>,
    pub failed_at_ms: u64,
}

/// What the admin API lists: no body, no URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterSummary<'a> {
    pub id: &'a str,
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub destination: &'a str,
    pub attempts: u32,
    pub reason: &'a str,
    pub last_outcome: &'a str,
    pub last_status: Option<u16>,
    pub failed_at_ms: u64,
}

impl DeadLetter {
    pub fn summary<'a>(&'a self, id: &'a str) -> DeadLetterSummary<'a> {
        DeadLetterSummary {
            id,
            delivery_id: &self.delivery.id,
            event: &self.delivery.event,
            destination: &self.delivery.destination,
            attempts: self.delivery.attempt,
            reason: &self.reason,
            last_outcome: &self.last_outcome,
            last_status: self.last_status,
            failed_at_ms: self.failed_at_ms,
        }
    }
}

/// KV keys. Ids are hashed again so every key has a fixed length whatever a message holds.
pub mod keys {
    use super::sha256_hex;

    pub const DEAD_PREFIX: &str = "dead:";
    pub const ENVELOPE_PROBLEMS: &str = "stats:envelope-problems";

    /// Marks that `destination` acknowledged delivery `id`.
    pub fn acked(destination: &str, id: &str) -> String {
        format!("ack:{destination}:{}", sha256_hex(id))
    }

    /// A body too large for a queue message.
    pub fn body(id: &str) -> String {
        format!("body:{}", sha256_hex(id))
    }

    /// A dead letter; sorts by failure time.
    pub fn dead(failed_at_ms: u64, destination: &str, id: &str) -> String {
        format!(
            "{DEAD_PREFIX}{failed_at_ms:015}:{destination}:{}",
            &sha256_hex(id)[..16]
        )
    }

    /// Whether `key` is exactly what [`dead`] makes: `dead:`, 15 digits, `:`, a destination
    /// name (1-64 of `[A-Za-z0-9_-]`, as config allows), `:`, 16 lowercase hex digits. The
    /// admin API's ids come from a URL; anything else is unknown, never a storage call.
    pub fn is_dead(key: &str) -> bool {
        let Some(rest) = key.strip_prefix(DEAD_PREFIX) else {
            return false;
        };
        let mut parts = rest.split(':');
        let (Some(time), Some(name), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        time.len() == 15
            && time.bytes().all(|b| b.is_ascii_digit())
            && (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && hash.len() == 16
            && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// The deliveries kept for a gone destination (one entry per delivery: a Replay of a
    /// kept delivery replaces it rather than sending it twice on resume).
    pub fn parked_prefix(destination: &str) -> String {
        format!("parked:{destination}:")
    }

    pub fn parked(destination: &str, id: &str) -> String {
        format!("{}{}", parked_prefix(destination), sha256_hex(id))
    }

    /// The mark that `destination` answered `410 Gone`.
    pub fn gone(destination: &str) -> String {
        format!("gone:{destination}")
    }
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
            attempt: 1,
            body: Some("{}".into()),
            body_key: None,
            received_at_ms: 1,
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
        assert_eq!(d.next_attempt().attempt, 2);
        assert_eq!(d.next_attempt().body, d.body);
    }

    #[test]
    fn keys_are_fixed_length_per_kind_and_distinct() {
        let id = &delivery().id;
        assert_eq!(keys::acked("zapier", id).len(), "ack:zapier:".len() + 64);
        assert_ne!(keys::acked("zapier", id), keys::acked("make", id));
        assert_eq!(keys::body(id).len(), 5 + 64);
        let dead = keys::dead(1_772_461_391_000, "zapier", id);
        assert!(dead.starts_with("dead:001772461391000:zapier:"));
        assert!(keys::is_dead(&dead));
        assert!(!keys::is_dead("ack:zapier:x"));
        assert!(!keys::is_dead("dead:../x"));
        assert!(!keys::is_dead("dead:"));
        let long = format!("dead:001772461391000:zapier:{}", "a".repeat(500));
        for bad in [
            long.as_str(),
            "dead:001772461391000:zapier:0123456789abcdeF",
            "dead:00177246139100:zapier:0123456789abcdef",
            "dead:001772461391000::0123456789abcdef",
            "dead:001772461391000:zap/ier:0123456789abcdef",
            "dead:001772461391000:zapier:0123456789abcdef:x",
            "dead:00177246139100x:zapier:0123456789abcdef",
        ] {
            assert!(!keys::is_dead(bad), "{bad}");
        }
        assert_eq!(keys::parked("make", id), keys::parked("make", id));
        assert!(keys::parked("make", id).starts_with(&keys::parked_prefix("make")));
        assert!(!keys::parked("make", id).starts_with(&keys::parked_prefix("mak")));
    }

    #[test]
    fn dead_letter_summaries_hold_no_body() {
        let letter = DeadLetter {
            delivery: Delivery {
                body: Some(r#"{"email":"amelie@example.ca"}"#.into()),
                ..delivery()
            },
            reason: "rejected".into(),
            last_outcome: "http_error".into(),
            last_status: Some(400),
            failed_at_ms: 5,
        };
        let json = serde_json::to_string(&letter.summary("dead:1")).unwrap();
        assert!(!json.contains("amelie") && !json.contains(&letter.delivery.signature));
        assert!(json.contains(r#""destination":"zapier""#) && json.contains(r#""lastStatus":400"#));
    }
}
