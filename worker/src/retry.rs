//! What to do after a forwarding attempt: done, retry later (and when), set the destination
//! aside (gone), or give up. The one table of what each answer means is in the README
//! ("What each answer from a destination means"); `decide` is its code.

use atlasbrokers_webhooks::Timestamp;

use crate::config::RetryPolicy;

/// What one attempt to POST to a destination came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The destination answered with this status (and maybe a `Retry-After` header).
    Status {
        status: u16,
        retry_after: Option<String>,
        /// Make.com's backpressure: `400` with the body `Queue is full` (see [`is_queue_full`]).
        queue_full: bool,
    },
    /// No answer within the per-attempt timeout.
    Timeout,
    /// No answer at all: connection refused, DNS, TLS...
    Network,
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Status { status, .. } if (200..300).contains(status) => OutcomeKind::Delivered,
            Outcome::Status {
                queue_full: true, ..
            } => OutcomeKind::QueueFull,
            Outcome::Status { status: 410, .. } => OutcomeKind::Gone,
            Outcome::Status { .. } => OutcomeKind::HttpError,
            Outcome::Timeout => OutcomeKind::Timeout,
            Outcome::Network => OutcomeKind::NetworkError,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

serialize_as_str!(OutcomeKind);

/// What an attempt came to, as logs, responses and the ledger's `outcome` columns name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    Delivered,
    QueueFull,
    Gone,
    HttpError,
    Timeout,
    NetworkError,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 6] = [
        OutcomeKind::Delivered,
        OutcomeKind::QueueFull,
        OutcomeKind::Gone,
        OutcomeKind::HttpError,
        OutcomeKind::Timeout,
        OutcomeKind::NetworkError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Delivered => "delivered",
            OutcomeKind::QueueFull => "queue_full",
            OutcomeKind::Gone => "gone",
            OutcomeKind::HttpError => "http_error",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::NetworkError => "network_error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A 2xx: record it and stop.
    Delivered,
    /// Try again after this many seconds (a queue delay has whole seconds).
    Retry { delay_seconds: u32 },
    /// `410 Gone`: the hook was deleted or turned off. Keep this delivery and every later one
    /// for the destination until the operator resumes it; retrying would not help, and dead
    /// letters one at a time would bury the one action that does.
    Gone,
    /// Stop and keep it as a dead letter.
    Dead { reason: DeadReason },
}

/// Why a delivery became a dead letter (the ledger's `dead_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadReason {
    /// A 3xx, or a 4xx that is neither retryable nor 410: retrying would not help.
    Rejected,
    /// Every allowed attempt failed.
    Exhausted,
    /// A large body's KV entry expired before it could be sent.
    BodyExpired,
    /// The message names a destination the configuration no longer has.
    UnknownDestination,
    /// Cloudflare moved the message to the dead-letter queue after its own retries (a
    /// consumer that kept failing to record an outcome): recorded, never forwarded from there.
    DeadLetterQueue,
    /// Direct mode: the destination failed during the request and AtlasBrokers got a 502
    /// (its Replay button sends it again).
    DirectFailed,
}

impl DeadReason {
    pub const ALL: [DeadReason; 6] = [
        DeadReason::Rejected,
        DeadReason::Exhausted,
        DeadReason::BodyExpired,
        DeadReason::UnknownDestination,
        DeadReason::DeadLetterQueue,
        DeadReason::DirectFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadReason::Rejected => "rejected",
            DeadReason::Exhausted => "exhausted",
            DeadReason::BodyExpired => "body_expired",
            DeadReason::UnknownDestination => "unknown_destination",
            DeadReason::DeadLetterQueue => "dead_letter_queue",
            DeadReason::DirectFailed => "direct_failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeadReason> {
        DeadReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// Queues delay a message by at most 12 hours.
const MAX_DELAY_SECONDS: u64 = 12 * 3600;

/// Statuses worth another attempt: timeouts (408), too early (425), rate limits (429) and
/// server errors (5xx).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500..=599)
}

/// Make.com answers `400` with the body `Queue is full` when a scenario's queue is full: a
/// pause, not a rejection. Only the start of the body is needed.
pub fn is_queue_full(status: u16, body_start: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"queue is full";
    status == 400
        && body_start
            .windows(NEEDLE.len())
            .any(|w| w.eq_ignore_ascii_case(NEEDLE))
}

/// Decides after attempt number `attempt` (1-based). `now_ms` reads an HTTP-date
/// `Retry-After`; `jitter` in [0, 1) spreads retries so a recovering destination is not hit
/// by every delivery at once.
pub fn decide(
    outcome: &Outcome,
    attempt: u32,
    policy: &RetryPolicy,
    now_ms: u64,
    jitter: f64,
) -> Decision {
    let retry_after = match outcome {
        Outcome::Status { status, .. } if (200..300).contains(status) => {
            return Decision::Delivered
        }
        Outcome::Status {
            status,
            retry_after,
            queue_full,
        } if is_retryable_status(*status) || *queue_full => retry_after
            .as_deref()
            .and_then(|v| parse_retry_after(v, now_ms)),
        Outcome::Status { status: 410, .. } => return Decision::Gone,
        Outcome::Status { .. } => {
            return Decision::Dead {
                reason: DeadReason::Rejected,
            }
        }
        Outcome::Timeout | Outcome::Network => None,
    };
    if attempt >= policy.max_attempts {
        return Decision::Dead {
            reason: DeadReason::Exhausted,
        };
    }
    let backoff = backoff_ms(attempt, policy, jitter);
    // Retry-After is honoured, up to its cap, but never makes the wait shorter than backoff.
    let wait = retry_after
        .map(|ms| ms.min(policy.retry_after_max_ms))
        .map_or(backoff, |ms| ms.max(backoff));
    Decision::Retry {
        delay_seconds: wait.div_ceil(1000).min(MAX_DELAY_SECONDS) as u32,
    }
}

/// Exponential backoff with "equal jitter": half the step fixed, half random.
pub fn backoff_ms(attempt: u32, policy: &RetryPolicy, jitter: f64) -> u64 {
    let exponent = attempt.saturating_sub(1).min(32);
    let step = policy
        .backoff_base_ms
        .saturating_mul(1u64 << exponent)
        .min(policy.backoff_max_ms);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    step / 2 + ((step / 2) as f64 * jitter) as u64
}

/// `Retry-After`: delay-seconds, or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`), as a
/// wait in milliseconds from `now_ms` (0 when the date has passed). `None` when unreadable.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still a (very long) wait, capped by the caller.
        return Some(
            value
                .parse::<u64>()
                .map_or(u64::MAX, |s| s.saturating_mul(1000)),
        );
    }
    let at_ms = http_date_millis(value)?;
    Some(u64::try_from(at_ms).unwrap_or(0).saturating_sub(now_ms))
}

/// IMF-fixdate, the HTTP-date form servers send, read through the core's RFC 3339 parser.
fn http_date_millis(value: &str) -> Option<i64> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let rfc3339 = format!("{year}-{month:02}-{day}T{time}Z");
    Timestamp::parse(&rfc3339).map(|t| t.unix_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 8,
        backoff_base_ms: 10_000,
        backoff_max_ms: 3_600_000,
        retry_after_max_ms: 3_600_000,
    };

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            retry_after: None,
            queue_full: false,
        }
    }

    #[test]
    fn success_retryable_and_permanent() {
        assert_eq!(
            decide(&status(200), 1, &POLICY, 0, 0.5),
            Decision::Delivered
        );
        assert_eq!(
            decide(&status(204), 1, &POLICY, 0, 0.5),
            Decision::Delivered
        );
        for retryable in [408, 425, 429, 500, 502, 503, 599] {
            assert!(
                matches!(
                    decide(&status(retryable), 1, &POLICY, 0, 0.5),
                    Decision::Retry { .. }
                ),
                "{retryable}"
            );
        }
        assert!(matches!(
            decide(&Outcome::Timeout, 1, &POLICY, 0, 0.5),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            decide(&Outcome::Network, 1, &POLICY, 0, 0.5),
            Decision::Retry { .. }
        ));
        for permanent in [400, 401, 404, 413, 422] {
            assert_eq!(
                decide(&status(permanent), 1, &POLICY, 0, 0.5),
                Decision::Dead {
                    reason: DeadReason::Rejected
                },
                "{permanent}"
            );
        }
        // 3xx: the hook moved; a forwarder must not follow blindly, nor retry forever.
        assert_eq!(
            decide(&status(301), 1, &POLICY, 0, 0.5),
            Decision::Dead {
                reason: DeadReason::Rejected
            }
        );
        // 410 sets the destination aside, at any attempt.
        assert_eq!(decide(&status(410), 1, &POLICY, 0, 0.5), Decision::Gone);
        assert_eq!(decide(&status(410), 8, &POLICY, 0, 0.5), Decision::Gone);
        assert_eq!(status(410).kind(), OutcomeKind::Gone);
    }

    #[test]
    fn outcome_names_are_the_documented_ones() {
        let names: Vec<_> = OutcomeKind::ALL.iter().map(|k| k.as_str()).collect();
        let documented = [
            "delivered",
            "queue_full",
            "gone",
            "http_error",
            "timeout",
            "network_error",
        ];
        assert_eq!(names, documented);
        assert_eq!(
            serde_json::to_string(&OutcomeKind::QueueFull).unwrap(),
            "\"queue_full\""
        );
    }

    #[test]
    fn makes_queue_is_full_is_backpressure() {
        for body in [
            &b"Queue is full."[..],
            b"queue is full",
            b"{\"message\":\"Queue is full\"}",
        ] {
            assert!(is_queue_full(400, body), "{body:?}");
        }
        assert!(!is_queue_full(400, b"Bad request"));
        assert!(!is_queue_full(400, b""));
        assert!(!is_queue_full(404, b"Queue is full"));
        let full = Outcome::Status {
            status: 400,
            retry_after: None,
            queue_full: true,
        };
        assert_eq!(full.kind(), OutcomeKind::QueueFull);
        assert!(matches!(
            decide(&full, 1, &POLICY, 0, 0.5),
            Decision::Retry { .. }
        ));
        assert_eq!(
            decide(&full, 8, &POLICY, 0, 0.5),
            Decision::Dead {
                reason: DeadReason::Exhausted
            }
        );
    }

    #[test]
    fn attempts_are_bounded() {
        assert!(matches!(
            decide(&status(500), 7, &POLICY, 0, 0.0),
            Decision::Retry { .. }
        ));
        assert_eq!(
            decide(&status(500), 8, &POLICY, 0, 0.0),
            Decision::Dead {
                reason: DeadReason::Exhausted
            }
        );
        assert_eq!(
            decide(&status(200), 8, &POLICY, 0, 0.0),
            Decision::Delivered
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        assert_eq!(backoff_ms(1, &POLICY, 0.0), 5_000);
        assert_eq!(backoff_ms(1, &POLICY, 1.0), 10_000);
        assert_eq!(backoff_ms(2, &POLICY, 0.0), 10_000);
        assert_eq!(backoff_ms(4, &POLICY, 0.0), 40_000);
        assert_eq!(backoff_ms(30, &POLICY, 1.0), 3_600_000);
        assert_eq!(backoff_ms(u32::MAX, &POLICY, f64::NAN), 1_800_000);
        let zero = RetryPolicy {
            backoff_base_ms: 0,
            ..POLICY
        };
        assert_eq!(
            decide(&status(500), 1, &zero, 0, 0.9),
            Decision::Retry { delay_seconds: 0 }
        );
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_and_capped() {
        let zero = RetryPolicy {
            backoff_base_ms: 0,
            ..POLICY
        };
        let limited = |v: &str| Outcome::Status {
            status: 429,
            retry_after: Some(v.into()),
            queue_full: false,
        };
        assert_eq!(
            decide(&limited("3"), 1, &zero, 0, 0.0),
            Decision::Retry { delay_seconds: 3 }
        );
        // 1994-11-06T08:49:37Z is 784111777 s after the epoch.
        let now = 784_111_777_000 - 90_000;
        assert_eq!(
            decide(
                &limited("Sun, 06 Nov 1994 08:49:37 GMT"),
                1,
                &zero,
                now,
                0.0
            ),
            Decision::Retry { delay_seconds: 90 }
        );
        assert_eq!(
            decide(&limited("999999"), 1, &zero, 0, 0.0),
            Decision::Retry {
                delay_seconds: 3600
            }
        );
        // Never shorter than the backoff; unreadable values fall back to it.
        assert_eq!(
            decide(&limited("1"), 1, &POLICY, 0, 0.0),
            Decision::Retry { delay_seconds: 5 }
        );
        assert_eq!(
            decide(&limited("soon"), 1, &POLICY, 0, 0.0),
            Decision::Retry { delay_seconds: 5 }
        );
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120_000));
        assert_eq!(
            parse_retry_after("18446744073709551616", 0),
            Some(u64::MAX),
            "found by fuzzing: beyond u64 is a long wait, not unreadable"
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_787_000),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_767_000),
            Some(10_000)
        );
        for bad in [
            "",
            "-5",
            "1.5",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 31 Feb 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
        }
    }
}
