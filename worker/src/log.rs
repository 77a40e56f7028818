//! One JSON line per forwarding attempt. Ids, names, numbers: never a secret, a hook URL or
//! payload contents (lead and contact events carry personal information).

use serde::Serialize;
use serde_json::json;

use crate::ledger::Next;
use crate::message::Delivery;
use crate::retry::{Outcome, OutcomeKind};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptLog<'a> {
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub destination: &'a str,
    pub attempt: u32,
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub outcome: OutcomeKind,
    pub next: Next,
    /// Seconds until the retry, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_seconds: Option<u32>,
}

impl<'a> AttemptLog<'a> {
    /// The line for an attempt at `delivery`; `retry_in_seconds` when a retry is scheduled.
    pub fn new(
        delivery: &'a Delivery,
        attempt: u32,
        outcome: &Outcome,
        latency_ms: u64,
        next: Next,
        retry_in_seconds: Option<u32>,
    ) -> Self {
        AttemptLog {
            delivery_id: &delivery.id,
            event: &delivery.event,
            destination: &delivery.destination,
            attempt,
            status: outcome.status(),
            latency_ms,
            outcome: outcome.kind(),
            next,
            retry_in_seconds,
        }
    }

    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A warning for an authentic body that is not the expected envelope: accepted and forwarded,
/// logged with the code and field only (never a value: payloads hold personal information).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvelopeWarning<'a> {
    pub level: &'static str,
    pub delivery_id: &'a str,
    pub envelope_problem: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// What the worker did: `forwarded` or `refused` (STRICT_ENVELOPE).
    pub action: &'static str,
}

impl<'a> EnvelopeWarning<'a> {
    pub fn new(delivery_id: &'a str, error: &atlasbrokers_webhooks::Error, strict: bool) -> Self {
        EnvelopeWarning {
            level: "warn",
            delivery_id,
            envelope_problem: error.code(),
            field: error.field(),
            action: if strict { "refused" } else { "forwarded" },
        }
    }

    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// An unrouted delivery the ledger could not record (it was answered all the same).
pub fn receipt_not_recorded(delivery_id: &str) -> String {
    // format!, not json!: json! sorts keys, and these lines keep "level" first.
    format!(
        "{{\"level\":\"warn\",\"deliveryId\":{delivery_id:?},\"ledger\":\"receipt not recorded\"}}"
    )
}

/// A consumer that outlived its claim: the one that took over records the outcome.
pub fn superseded(queue_message: &str) -> String {
    format!("{{\"level\":\"warn\",\"superseded\":true,\"queueMessage\":{queue_message:?}}}")
}

/// An admin API call the ledger failed (answered 503 `storage_unavailable`): the endpoint and
/// D1's message, which names SQL and never a bound value.
pub fn admin_storage_failed(path: &str, error: &str) -> String {
    // serde_json escapes what D1 may put in a message; Debug formatting is not JSON.
    let (path, error) = (json!(path), json!(error));
    format!("{{\"level\":\"error\",\"admin\":{path},\"storage\":{error}}}")
}

/// A message from the dead-letter queue, and whether it was recorded as a dead letter.
pub fn dead_letter_queue(
    delivery_id: &str,
    destination: &str,
    recorded: bool,
    delivery_queue: &str,
) -> String {
    json!({
        "level": "warn",
        "deadLetterQueue": true,
        "deliveryId": delivery_id,
        "destination": destination,
        "recorded": recorded,
        "deliveryQueue": delivery_queue,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_storage_failure_is_one_json_line_with_the_endpoint_and_the_message() {
        let line = admin_storage_failed(
            "/admin/dead-letters",
            "D1_ERROR: no such table: \"targets\"\n\u{1}",
        );
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["level"], "error");
        assert_eq!(v["admin"], "/admin/dead-letters");
        assert_eq!(v["storage"], "D1_ERROR: no such table: \"targets\"\n\u{1}");
    }

    #[test]
    fn a_line_is_one_json_object_with_the_fields_operators_need() {
        let line = AttemptLog {
            delivery_id: "deal.won:ws:deal_1:2026-03-02T14:23:11.000Z",
            event: "deal.won",
            destination: "zapier",
            attempt: 2,
            status: Some(503),
            latency_ms: 120,
            outcome: OutcomeKind::HttpError,
            next: Next::Retry,
            retry_in_seconds: Some(20),
        }
        .line();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["destination"], "zapier");
        assert_eq!(v["status"], 503);
        assert_eq!(v["retryInSeconds"], 20);
        assert_eq!(v["latencyMs"], 120);
        assert_eq!(
            line,
            "{\"deliveryId\":\"deal.won:ws:deal_1:2026-03-02T14:23:11.000Z\",\"event\":\"deal.won\",\
             \"destination\":\"zapier\",\"attempt\":2,\"status\":503,\"latencyMs\":120,\
             \"outcome\":\"http_error\",\"next\":\"retry\",\"retryInSeconds\":20}"
        );
    }

    #[test]
    fn warnings_are_one_json_object_each() {
        assert_eq!(
            receipt_not_recorded("ab"),
            r#"{"level":"warn","deliveryId":"ab","ledger":"receipt not recorded"}"#
        );
        assert_eq!(
            superseded("m1"),
            r#"{"level":"warn","superseded":true,"queueMessage":"m1"}"#
        );
        let v: serde_json::Value =
            serde_json::from_str(&dead_letter_queue("ab", "zapier", true, "q")).unwrap();
        assert_eq!(v["deadLetterQueue"], true);
        assert_eq!(v["recorded"], true);
        assert_eq!(v["deliveryQueue"], "q");
    }

    #[test]
    fn envelope_warnings_name_the_field_never_a_value() {
        let body = br#"{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"w","data":{"id":"d","title":"Secret Title","value":"2400","currency":"CAD","closedAt":"x"}}"#;
        let error = atlasbrokers_webhooks::Summary::parse(body).unwrap_err();
        let line = EnvelopeWarning::new("id", &error, false).line();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["envelopeProblem"], "invalid_envelope");
        assert_eq!(v["field"], "data.value");
        assert_eq!(v["action"], "forwarded");
        assert!(!line.contains("2400") && !line.contains("Secret Title"));
    }
}
