//! The admin API's access control: the bearer token check, the limit on failed sign-ins, and
//! the audit lines of what the operator looked at.

use atlasbrokers_webhooks::signature::sha256_hex;
use serde::Deserialize;

/// Whether `authorization` is `Bearer <token>` (the scheme in any case, as RFC 9110 says).
/// Both sides are hashed first, so the comparison takes the same time whatever the presented
/// value's length or content.
pub fn bearer_matches(authorization: Option<&str>, token: &str) -> bool {
    let presented = authorization
        .map(str::trim)
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, credentials)| credentials.trim_start());
    let (a, b) = (sha256_hex(presented), sha256_hex(token));
    let diff = a
        .bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff == 0 && !presented.is_empty()
}

// ---- failed sign-ins ---------------------------------------------------------------------------

/// Failed sign-ins a client may make in one window; after that every request from it (even
/// with the right token) is refused until the window ends.
pub const MAX_FAILURES: u64 = 10;
/// A window starts at a client's first failure and lasts this long.
pub const FAILURE_WINDOW_MS: u64 = 15 * 60_000;

/// Whether a request offered a credential at all: only those that did and failed count as
/// failed sign-ins (a request without one guesses nothing).
pub fn presented(authorization: Option<&str>) -> bool {
    authorization.is_some_and(|h| !h.trim().is_empty())
}

/// Who is signing in, as the ledger stores it: a prefix of the SHA-256 of the client's IP
/// address (`CF-Connecting-IP`; `"local"` when absent, as under `wrangler dev`), so that no
/// address is stored.
pub fn client_key(ip: Option<&str>) -> String {
    let ip = ip.map(str::trim).filter(|ip| !ip.is_empty());
    sha256_hex(ip.unwrap_or("local"))[..32].to_owned()
}

/// A client's window. ?1 client.
pub const FAILURES_OF: &str = "SELECT window_start, failures FROM admin_failures WHERE client = ?1";

/// Counts a failure, in a new window when the client's last one has ended; the window after.
/// ?1 client, ?2 now, ?3 `FAILURE_WINDOW_MS`. (SQLite reads every column of `SET` from the
/// row before the update.)
pub const COUNT_FAILURE: &str = "INSERT INTO admin_failures (client, window_start, failures) \
    VALUES (?1, ?2, 1) ON CONFLICT (client) DO UPDATE SET \
    failures = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE failures + 1 END, \
    window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END \
    RETURNING window_start, failures";

/// Windows that have ended (nothing to remember). ?1 now minus `FAILURE_WINDOW_MS`.
pub const FORGET_FAILURES: &str = "DELETE FROM admin_failures WHERE window_start <= ?1";

/// A successful sign-in starts the client afresh. ?1 client.
pub const CLEAR_FAILURES: &str = "DELETE FROM admin_failures WHERE client = ?1";

/// A client's row in `admin_failures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Failures {
    pub window_start: u64,
    pub failures: u64,
}

/// Seconds until the client may try again (rounded up, at least 1), or `None` when it may try
/// now. Decided before the token is compared.
pub fn blocked(failures: Option<&Failures>, now_ms: u64) -> Option<u64> {
    let f = failures?;
    let ends = f.window_start.saturating_add(FAILURE_WINDOW_MS);
    (f.failures >= MAX_FAILURES && now_ms < ends).then(|| (ends - now_ms).div_ceil(1000).max(1))
}

/// Whether this failure (the window as [`COUNT_FAILURE`] left it) is the one that blocks the
/// client: logged once per window.
pub fn just_blocked(after: &Failures) -> bool {
    after.failures == MAX_FAILURES
}

// ---- log lines (ids and numbers only: never a token, an address or a payload) ------------------

/// The operator looked at a delivery's payload.
pub fn payload_viewed(delivery_id: &str, size: u64) -> String {
    format!(
        "{{\"level\":\"audit\",\"action\":\"payload_viewed\",\"deliveryId\":{delivery_id:?},\"size\":{size}}}"
    )
}

/// A client reached the limit of failed sign-ins.
pub fn sign_in_blocked(client: &str, retry_after_seconds: u64) -> String {
    format!(
        "{{\"level\":\"warn\",\"action\":\"sign_in_blocked\",\"client\":{client:?},\"retryAfterSeconds\":{retry_after_seconds}}}"
    )
}

/// The ledger could not count failed sign-ins: the token still guards the API, unthrottled.
pub fn failures_not_counted() -> &'static str {
    "{\"level\":\"warn\",\"action\":\"sign_in_not_rate_limited\",\"message\":\"failed admin \
     sign-ins could not be read or counted in the ledger (D1): check GET /healthz and apply \
     the ledger's migrations\"}"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some(" Bearer s3cret "), "s3cret"));
        assert!(bearer_matches(Some("bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some("BEARER  s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearers3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cret x"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3crett"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
        assert!(!bearer_matches(Some("Bearer "), ""));
    }

    #[test]
    fn only_offered_credentials_count_as_failures() {
        assert!(!presented(None));
        assert!(!presented(Some("")));
        assert!(!presented(Some("  ")));
        assert!(presented(Some("Bearer ")));
        assert!(presented(Some("Basic x")));
    }

    #[test]
    fn ten_failures_block_until_the_window_ends() {
        let start = 1_000_000;
        let at = |failures| Failures {
            window_start: start,
            failures,
        };
        assert_eq!(blocked(None, start), None);
        assert_eq!(blocked(Some(&at(9)), start + 1), None, "nine: may try");
        // The tenth failure blocks for the rest of the window, counted in whole seconds.
        assert_eq!(blocked(Some(&at(10)), start), Some(900));
        assert_eq!(blocked(Some(&at(10)), start + 1), Some(900));
        assert_eq!(blocked(Some(&at(12)), start + 899_001), Some(1));
        assert_eq!(
            blocked(Some(&at(10)), start + FAILURE_WINDOW_MS - 1),
            Some(1)
        );
        assert_eq!(blocked(Some(&at(10)), start + FAILURE_WINDOW_MS), None);
        assert!(just_blocked(&at(10)) && !just_blocked(&at(9)) && !just_blocked(&at(11)));
    }

    #[test]
    fn clients_are_stored_as_digests_never_addresses() {
        let key = client_key(Some("203.0.113.9"));
        assert_eq!(key.len(), 32);
        assert!(!key.contains("203"));
        assert_eq!(key, client_key(Some(" 203.0.113.9 ")));
        assert_ne!(key, client_key(Some("203.0.113.10")));
        assert_eq!(client_key(None), client_key(Some("")));
        assert_eq!(client_key(None), client_key(Some("local")));
    }

    #[test]
    fn log_lines_are_json_without_secrets() {
        let id = "e".repeat(64);
        let line: serde_json::Value = serde_json::from_str(&payload_viewed(&id, 812)).unwrap();
        assert_eq!(
            line,
            serde_json::json!({"level": "audit", "action": "payload_viewed", "deliveryId": id, "size": 812})
        );
        let line: serde_json::Value =
            serde_json::from_str(&sign_in_blocked(&client_key(None), 900)).unwrap();
        assert_eq!(line["retryAfterSeconds"], 900);
        let line: serde_json::Value = serde_json::from_str(failures_not_counted()).unwrap();
        assert_eq!(line["level"], "warn");
    }
}
