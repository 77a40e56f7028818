//! One JSON line per forwarding attempt. Ids, names, numbers: never a secret, a hook URL or
//! payload contents (lead and contact events carry personal information).

use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptLog<'a> {
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub destination: &'a str,
    pub attempt: u32,
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// `delivered`, `http_error`, `timeout` or `network_error`.
    pub outcome: &'a str,
    /// What happens next: `done`, `retry`, `dead`.
    pub next: &'a str,
    /// Seconds until the retry, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_seconds: Option<u32>,
}

impl AttemptLog<'_> {
    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_with_the_fields_operators_need() {
        let line = AttemptLog {
            delivery_id: "deal.won:ws:deal_1:2026-03-02T14:23:11.000Z",
            event: "deal.won",
            destination: "zapier",
            attempt: 2,
            status: Some(503),
            latency_ms: 120,
            outcome: "http_error",
            next: "retry",
            retry_in_seconds: Some(20),
        }
        .line();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["destination"], "zapier");
        assert_eq!(v["status"], 503);
        assert_eq!(v["retryInSeconds"], 20);
        assert_eq!(v["latencyMs"], 120);
    }
}
