//! The delivery ledger in Cloudflare D1 (schema: `migrations/`): every statement the shell
//! runs, and every decision made from what they return.
//!
//! A destination gets a delivery at most once unless the operator asks again: before each
//! POST, the consumer *claims* the (delivery, destination) row with a conditional update, so
//! concurrent copies of one delivery (identical posts, a Replay during retries, a message the
//! queue delivers twice) cannot both forward. A claim lasts the forward timeout plus
//! [`CLAIM_MARGIN_MS`]; a claim left by a consumer that died is taken over once it expires.
//! Queue messages carry ids and a position (generation, attempt), never a decision: the row
//! decides.

use serde::Deserialize;

use crate::retry::{DeadReason, Decision};

/// The D1 binding, as in wrangler.toml.
pub const BINDING: &str = "LEDGER";

/// The schema the worker expects (`ledger_meta.schema_version`, set by the last migration).
pub const SCHEMA_VERSION: u32 = 4;

/// How long past the forward timeout a claim lasts: time to record the outcome. A live
/// consumer never loses its claim; only a consumer that died leaves one to expire.
pub const CLAIM_MARGIN_MS: u64 = 15_000;

/// Where a (delivery, destination) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Accepted, waiting for its first attempt (or sent again by the operator).
    Pending,
    /// A consumer holds the claim and is forwarding it.
    Delivering,
    Delivered,
    /// An attempt failed; the next is scheduled (`next_attempt_at`).
    Retrying,
    /// Given up on (`dead_reason`): a dead letter, replayable.
    Dead,
    /// Kept for a paused destination (it answered 410 Gone, or the operator paused it), until
    /// the operator resumes it.
    Paused,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Pending,
        State::Delivering,
        State::Delivered,
        State::Retrying,
        State::Dead,
        State::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Delivering => "delivering",
            State::Delivered => "delivered",
            State::Retrying => "retrying",
            State::Dead => "dead",
            State::Paused => "paused",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

// ---- receiving ---------------------------------------------------------------------------------

/// Records a receipt in direct mode, or for an unrouted delivery (after the answer).
/// ?1 id, ?2 event, ?3 workspace, ?4 now, ?5 size, ?6 signature, ?7 body key, ?8 envelope problem.
pub const RECORD_DELIVERY: &str = "INSERT INTO deliveries \
    (id, event, workspace_id, received_at, last_received_at, size, signature, body_key, envelope_problem) \
    VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8) \
    ON CONFLICT (id) DO UPDATE SET last_received_at = max(last_received_at, excluded.last_received_at), \
    body_key = coalesce(excluded.body_key, body_key)";

/// A new (delivery, destination) row: pending. ?1 id, ?2 destination, ?3 event, ?4 now.
pub const ADD_TARGET: &str = "INSERT INTO targets \
    (delivery_id, destination, event, received_at, state, updated_at) \
    VALUES (?1, ?2, ?3, ?4, 'pending', ?4) ON CONFLICT DO NOTHING";

/// What receiving knows about a delivery (owned: in queue mode it is written after the answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub id: String,
    pub event: String,
    pub workspace_id: Option<String>,
    pub received_at: u64,
    pub size: u64,
    pub signature: String,
    pub body_key: Option<String>,
    pub envelope_problem: Option<String>,
    pub destinations: Vec<String>,
}

// ---- claiming ----------------------------------------------------------------------------------

/// The delivery's row, from the message (in queue mode nothing is written while AtlasBrokers
/// waits: the consumer records the delivery with its first claim). A Replay's message moves
/// `last_received_at`. ?1 id, ?2 event, ?3 received at, ?4 size, ?5 signature, ?6 body key,
/// ?7 envelope problem, ?8 workspace.
pub const ENSURE_DELIVERY: &str = "INSERT INTO deliveries \
    (id, event, received_at, last_received_at, size, signature, body_key, envelope_problem, workspace_id) \
    VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET \
    received_at = min(received_at, excluded.received_at), \
    last_received_at = max(last_received_at, excluded.last_received_at) \
    WHERE excluded.received_at < received_at OR excluded.last_received_at > last_received_at";

/// ?1 id, ?2 destination, ?3 event, ?4 received at, ?5 now.
pub const ENSURE_TARGET: &str = "INSERT INTO targets \
    (delivery_id, destination, event, received_at, state, updated_at) \
    VALUES (?1, ?2, ?3, ?4, 'pending', ?5) ON CONFLICT DO NOTHING";

/// The claim. A message with generation 0 (from receiving, a replay or a resume: "whatever is
/// due") claims a pending row, and restarts as a new generation a row that died or began
/// waiting for a retry *before the message was requested* (a Replay from AtlasBrokers is the
/// operator asking again; a copy posted at the same moment as the first is not). A retry
/// message (generation g, attempt a) claims only the attempt it was scheduled for. Either takes
/// over a claim that expired. Nothing is claimed for a paused destination.
/// ?1 id, ?2 destination, ?3 generation, ?4 attempt, ?5 token, ?6 claim until, ?7 now,
/// ?8 requested at (generation 0).
pub const CLAIM: &str = "UPDATE targets SET \
    generation = generation + (CASE WHEN ?3 = 0 AND state IN ('dead', 'retrying') THEN 1 ELSE 0 END), \
    attempts = CASE WHEN ?3 = 0 AND state IN ('dead', 'retrying') THEN 1 ELSE attempts + 1 END, \
    next_attempt_at = NULL, dead_reason = NULL, \
    state = 'delivering', claim_token = ?5, claim_until = ?6, updated_at = ?7 \
    WHERE delivery_id = ?1 AND destination = ?2 \
    AND NOT EXISTS (SELECT 1 FROM paused_destinations WHERE name = ?2) \
    AND CASE WHEN ?3 = 0 \
      THEN state = 'pending' OR (state = 'delivering' AND claim_until <= ?7) \
        OR (state IN ('dead', 'retrying') AND updated_at < ?8) \
      ELSE generation = ?3 AND ((state IN ('pending', 'retrying') AND attempts = ?4 - 1) \
        OR (state = 'delivering' AND claim_until <= ?7 AND attempts = ?4)) END";

/// The row after the claim, and whether the destination is paused. ?1 id, ?2 destination.
pub const CLAIM_ROW: &str = "SELECT state, generation, attempts, claim_token, claim_until, \
    EXISTS (SELECT 1 FROM paused_destinations WHERE name = ?2) AS paused \
    FROM targets WHERE delivery_id = ?1 AND destination = ?2";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClaimRow {
    pub state: State,
    pub generation: u32,
    pub attempts: u32,
    pub claim_token: Option<String>,
    pub claim_until: Option<u64>,
    pub paused: u8,
}

/// A message's place in its delivery's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 0: whatever attempt is due.
    pub generation: u32,
    pub attempt: u32,
}

/// What the consumer does with a message, from [`CLAIM_ROW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The claim is ours: forward it as this attempt of this generation.
    Forward { generation: u32, attempt: u32 },
    /// The destination is paused and this message is the live one: keep the delivery.
    Keep { generation: u32 },
    /// Another consumer holds the claim: ask again once it expires (if that consumer died,
    /// this message takes over; if not, the row will say it is done).
    Wait { seconds: u32 },
    /// Nothing to do: delivered, dead, kept, or a newer attempt or generation has it.
    Done(State),
}

/// Whether a message at `position` is the live one for `row` (ignoring claims).
fn is_current(position: Position, row: &ClaimRow) -> bool {
    position.generation == 0
        || (position.generation == row.generation
            && (row.attempts + 1 == position.attempt || row.attempts == position.attempt))
}

pub fn after_claim(position: Position, row: &ClaimRow, token: &str, now_ms: u64) -> Claim {
    if row.claim_token.as_deref() == Some(token) && row.state == State::Delivering {
        return Claim::Forward {
            generation: row.generation,
            attempt: row.attempts,
        };
    }
    let expired = row.claim_until.map_or(true, |until| until <= now_ms);
    match row.state {
        State::Delivering if !expired && is_current(position, row) => Claim::Wait {
            seconds: row
                .claim_until
                .unwrap_or(now_ms)
                .saturating_sub(now_ms)
                .div_ceil(1000)
                .saturating_add(1)
                .min(u64::from(u32::MAX)) as u32,
        },
        State::Pending | State::Retrying | State::Delivering
            if row.paused != 0 && is_current(position, row) =>
        {
            Claim::Keep {
                generation: row.generation,
            }
        }
        state => Claim::Done(state),
    }
}

/// When a claim made now expires.
pub fn claim_until(now_ms: u64, forward_timeout_ms: u64) -> u64 {
    now_ms + forward_timeout_ms + CLAIM_MARGIN_MS
}

/// Keeps a delivery for a paused destination. ?1 id, ?2 destination, ?3 generation, ?4 now.
pub const KEEP: &str =
    "UPDATE targets SET state = 'paused', claim_token = NULL, claim_until = NULL, \
    updated_at = ?4 WHERE delivery_id = ?1 AND destination = ?2 AND generation = ?3 \
    AND state IN ('pending', 'retrying', 'delivering')";

/// Notes that a delivery's body is in KV (kept or dead ones outlive the message). ?1 id, ?2 key.
pub const SET_BODY_KEY: &str = "UPDATE deliveries SET body_key = ?2 WHERE id = ?1";

// ---- settling ----------------------------------------------------------------------------------

/// Records an attempt's result, only while the claim is still ours (a consumer that outlived
/// its claim records nothing over the one that took over).
/// ?1 id, ?2 destination, ?3 token, ?4 state, ?5 status, ?6 outcome, ?7 next attempt at,
/// ?8 dead reason, ?9 now.
pub const SETTLE: &str = "UPDATE targets SET state = ?4, last_status = ?5, last_outcome = ?6, \
    next_attempt_at = ?7, dead_reason = ?8, \
    delivered_at = CASE WHEN ?4 = 'delivered' THEN ?9 ELSE delivered_at END, \
    claim_token = NULL, claim_until = NULL, updated_at = ?9 \
    WHERE delivery_id = ?1 AND destination = ?2 AND claim_token = ?3";

/// The attempt's history row. ?1 id, ?2 destination, ?3 generation, ?4 attempt, ?5 started at,
/// ?6 latency, ?7 status, ?8 outcome, ?9 next.
pub const ADD_ATTEMPT: &str = "INSERT INTO attempts \
    (delivery_id, destination, generation, attempt, started_at, latency_ms, status, outcome, next) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// A destination answered 410: nothing more is sent to it until the operator resumes it.
/// ?1 destination, ?2 now, ?3 delivery id.
pub const PAUSE_GONE: &str = "INSERT INTO paused_destinations (name, reason, since, delivery_id) \
    VALUES (?1, 'gone', ?2, ?3) ON CONFLICT DO NOTHING";

/// What comes after an attempt: the attempt row's `next` and the log line's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Done,
    Retry,
    /// The destination is paused (410): kept until the operator resumes it.
    Kept,
    Dead,
    /// Direct mode: AtlasBrokers got a 502, and its Replay button sends it again.
    Replay,
}

impl Next {
    pub fn as_str(self) -> &'static str {
        match self {
            Next::Done => "done",
            Next::Retry => "retry",
            Next::Kept => "kept",
            Next::Dead => "dead",
            Next::Replay => "replay",
        }
    }
}

serialize_as_str!(Next);

/// What an attempt's decision makes of the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub state: State,
    pub next_attempt_at: Option<u64>,
    pub dead_reason: Option<DeadReason>,
    pub next: Next,
    /// The destination answered 410: pause it (see [`PAUSE_GONE`]).
    pub pause: bool,
}

pub fn settlement(decision: &Decision, now_ms: u64) -> Settlement {
    let (state, next_attempt_at, dead_reason, next) = match *decision {
        Decision::Delivered => (State::Delivered, None, None, Next::Done),
        Decision::Retry { delay_seconds } => (
            State::Retrying,
            Some(now_ms + u64::from(delay_seconds) * 1000),
            None,
            Next::Retry,
        ),
        Decision::Gone => (State::Paused, None, None, Next::Kept),
        Decision::Dead { reason } => (State::Dead, None, Some(reason), Next::Dead),
    };
    Settlement {
        state,
        next_attempt_at,
        dead_reason,
        next,
        pause: *decision == Decision::Gone,
    }
}

/// Direct mode has no retries: anything but a 2xx is answered 502 and becomes a dead letter
/// that AtlasBrokers' Replay sends again. A 410 pauses the destination all the same: there is
/// no queue to keep the delivery in, but /healthz tells the operator the hook is gone.
pub fn direct_settlement(decision: &Decision) -> Settlement {
    match decision {
        Decision::Delivered => settlement(decision, 0),
        _ => Settlement {
            state: State::Dead,
            next_attempt_at: None,
            dead_reason: Some(DeadReason::DirectFailed),
            next: Next::Replay,
            pause: *decision == Decision::Gone,
        },
    }
}

/// A message Cloudflare moved to the dead-letter queue: recorded as a dead letter if it was
/// the live one (the same condition as [`CLAIM`], ignoring pauses), else it changes nothing.
/// ?1 id, ?2 destination, ?3 generation, ?4 attempt, ?5 reason, ?6 now.
pub const BURY: &str = "UPDATE targets SET state = 'dead', dead_reason = ?5, claim_token = NULL, \
    claim_until = NULL, next_attempt_at = NULL, updated_at = ?6 \
    WHERE delivery_id = ?1 AND destination = ?2 \
    AND CASE WHEN ?3 = 0 \
      THEN state = 'pending' OR (state = 'delivering' AND claim_until <= ?6) \
      ELSE generation = ?3 AND ((state IN ('pending', 'retrying') AND attempts = ?4 - 1) \
        OR (state = 'delivering' AND claim_until <= ?6 AND attempts = ?4)) END";

// ---- the operator's requests -------------------------------------------------------------------

/// A dead letter or kept delivery, sent again from its first attempt as a new generation.
/// ?1 id, ?2 destination, ?3 the state it must be in, ?4 now.
pub const RESTART: &str = "UPDATE targets SET state = 'pending', generation = generation + 1, \
    attempts = 0, next_attempt_at = NULL, dead_reason = NULL, updated_at = ?4 \
    WHERE delivery_id = ?1 AND destination = ?2 AND state = ?3";

/// Undoes [`RESTART`] when the message could not be queued. ?1 id, ?2 destination, ?3 state,
/// ?4 now.
pub const UNDO_RESTART: &str = "UPDATE targets SET state = ?3, updated_at = ?4 \
    WHERE delivery_id = ?1 AND destination = ?2 AND state = 'pending' AND attempts = 0";

/// What a replay needs to rebuild the message. ?1 id.
pub const DELIVERY_FOR_REPLAY: &str = "SELECT id, event, received_at, signature, body_key, \
    envelope_problem FROM deliveries WHERE id = ?1";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredDelivery {
    pub id: String,
    pub event: String,
    pub received_at: u64,
    pub signature: String,
    pub body_key: Option<String>,
    pub envelope_problem: Option<String>,
}

/// The deliveries kept for a paused destination, oldest first. ?1 destination, ?2 limit.
pub const KEPT_FOR: &str = "SELECT delivery_id FROM targets \
    WHERE state = 'paused' AND destination = ?1 ORDER BY received_at LIMIT ?2";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryIdRow {
    pub delivery_id: String,
}

/// Upgrading from version 0.2: a dead letter or kept delivery from KV becomes its row's state,
/// unless the row has moved on since (a Replay after the upgrade). ?1 id, ?2 destination,
/// ?3 state, ?4 dead reason, ?5 last status, ?6 last outcome, ?7 attempts, ?8 time.
pub const IMPORT: &str = "UPDATE targets SET state = ?3, dead_reason = ?4, last_status = ?5, \
    last_outcome = ?6, attempts = ?7, updated_at = ?8 \
    WHERE delivery_id = ?1 AND destination = ?2 AND state = 'pending' AND attempts = 0";

/// Version 0.2's gone mark, the same pause. ?1 destination, ?2 since, ?3 delivery id.
pub const IMPORT_GONE: &str = PAUSE_GONE;

/// A kept delivery whose body expired before the resume: a dead letter.
/// ?1 id, ?2 destination, ?3 now, ?4 reason (`DeadReason::BodyExpired`).
pub const EXPIRE_KEPT: &str = "UPDATE targets SET state = 'dead', dead_reason = ?4, \
    updated_at = ?3 WHERE delivery_id = ?1 AND destination = ?2 AND state = 'paused'";

/// The operator pauses a destination: deliveries for it are kept, as for a 410, until it is
/// resumed. A pause already there (a 410's) stays as it is. ?1 destination, ?2 now.
pub const PAUSE_OPERATOR: &str = "INSERT INTO paused_destinations (name, reason, since) \
    VALUES (?1, 'operator', ?2) ON CONFLICT DO NOTHING";

/// A destination's pause, after [`PAUSE_OPERATOR`]. ?1 destination.
pub const PAUSE_OF: &str = "SELECT reason, since FROM paused_destinations WHERE name = ?1";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PauseRow {
    pub reason: String,
    pub since: u64,
}

/// Why a destination is paused (`paused_destinations.reason`).
pub const GONE: &str = "gone";
pub const OPERATOR: &str = "operator";

/// Resuming: the destination takes deliveries again. ?1 destination.
pub const UNPAUSE: &str = "DELETE FROM paused_destinations WHERE name = ?1";

/// What the payload view needs: the body's size and KV key (`NULL` when the body is only in a
/// queue message, or was never kept). ?1 id.
pub const PAYLOAD_OF: &str = "SELECT size, body_key FROM deliveries WHERE id = ?1";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PayloadRow {
    pub size: u64,
    pub body_key: Option<String>,
}

/// `/healthz`: schema version, paused destinations with what is kept for each, dead letters,
/// and authentic bodies that were not the envelope.
pub const SCHEMA: &str = "SELECT value FROM ledger_meta WHERE key = 'schema_version'";
pub const PAUSED: &str = "SELECT p.name, p.reason, p.since, \
    (SELECT count(*) FROM targets t WHERE t.state = 'paused' AND t.destination = p.name) AS kept \
    FROM paused_destinations p ORDER BY p.name";
pub const DEAD_COUNT: &str =
    "SELECT count(*) AS n, NULL AS last_at FROM targets WHERE state = 'dead'";
pub const ENVELOPE_PROBLEMS: &str = "SELECT count(*) AS n, max(received_at) AS last_at \
    FROM deliveries WHERE envelope_problem IS NOT NULL";
pub const LAST_ENVELOPE_PROBLEM: &str = "SELECT envelope_problem FROM deliveries \
    WHERE envelope_problem IS NOT NULL ORDER BY received_at DESC LIMIT 1";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PausedRow {
    pub name: String,
    pub reason: String,
    pub since: u64,
    pub kept: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: State, generation: u32, attempts: u32) -> ClaimRow {
        ClaimRow {
            state,
            generation,
            attempts,
            claim_token: None,
            claim_until: None,
            paused: 0,
        }
    }

    const NEXT: Position = Position {
        generation: 0,
        attempt: 0,
    };

    #[test]
    fn states_and_reasons_round_trip_through_their_names() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            let json = format!("\"{}\"", s.as_str());
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
        for r in DeadReason::ALL {
            assert_eq!(DeadReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(State::parse("Delivered"), None);
    }

    #[test]
    fn the_claim_is_ours_only_with_our_token() {
        let mut r = row(State::Delivering, 2, 3);
        r.claim_token = Some("t1".into());
        r.claim_until = Some(50_000);
        assert_eq!(
            after_claim(NEXT, &r, "t1", 1_000),
            Claim::Forward {
                generation: 2,
                attempt: 3
            }
        );
        // Someone else's live claim: come back just after it expires.
        assert_eq!(
            after_claim(NEXT, &r, "t2", 1_000),
            Claim::Wait { seconds: 50 }
        );
        let retry = Position {
            generation: 2,
            attempt: 3,
        };
        assert_eq!(
            after_claim(retry, &r, "t2", 1_000),
            Claim::Wait { seconds: 50 }
        );
        // A message of an older generation, or for an older attempt, is stale.
        for stale in [
            Position {
                generation: 1,
                attempt: 3,
            },
            Position {
                generation: 2,
                attempt: 2,
            },
        ] {
            assert_eq!(
                after_claim(stale, &r, "t2", 1_000),
                Claim::Done(State::Delivering)
            );
        }
    }

    #[test]
    fn finished_rows_end_every_message() {
        for state in [
            State::Delivered,
            State::Dead,
            State::Retrying,
            State::Paused,
        ] {
            assert_eq!(
                after_claim(NEXT, &row(state, 1, 1), "t", 0),
                Claim::Done(state)
            );
        }
    }

    #[test]
    fn a_paused_destination_keeps_the_live_message_only() {
        let mut r = row(State::Retrying, 3, 2);
        r.paused = 1;
        let live = Position {
            generation: 3,
            attempt: 3,
        };
        assert_eq!(after_claim(live, &r, "t", 0), Claim::Keep { generation: 3 });
        assert_eq!(after_claim(NEXT, &r, "t", 0), Claim::Keep { generation: 3 });
        let old = Position {
            generation: 2,
            attempt: 3,
        };
        assert_eq!(after_claim(old, &r, "t", 0), Claim::Done(State::Retrying));
    }

    #[test]
    fn decisions_settle_into_states() {
        assert_eq!(settlement(&Decision::Delivered, 5).state, State::Delivered);
        let retry = settlement(&Decision::Retry { delay_seconds: 20 }, 1_000);
        assert_eq!(
            (retry.state, retry.next_attempt_at, retry.next),
            (State::Retrying, Some(21_000), Next::Retry)
        );
        assert_eq!(settlement(&Decision::Gone, 0).state, State::Paused);
        let dead = settlement(
            &Decision::Dead {
                reason: DeadReason::Rejected,
            },
            0,
        );
        assert_eq!(
            (dead.state, dead.dead_reason),
            (State::Dead, Some(DeadReason::Rejected))
        );
        let direct = direct_settlement(&Decision::Gone);
        assert_eq!(
            (direct.state, direct.dead_reason, direct.next, direct.pause),
            (
                State::Dead,
                Some(DeadReason::DirectFailed),
                Next::Replay,
                true
            )
        );
        assert!(settlement(&Decision::Gone, 0).pause);
        assert!(!direct_settlement(&Decision::Retry { delay_seconds: 1 }).pause);
        assert_eq!(
            direct_settlement(&Decision::Delivered).state,
            State::Delivered
        );
        let nexts = [
            Next::Done,
            Next::Retry,
            Next::Kept,
            Next::Dead,
            Next::Replay,
        ];
        let names: Vec<_> = nexts.iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["done", "retry", "kept", "dead", "replay"]);
    }

    #[test]
    fn pauses_are_recorded_with_their_reason() {
        assert!(PAUSE_GONE.contains(&format!("'{GONE}'")));
        assert!(PAUSE_OPERATOR.contains(&format!("'{OPERATOR}'")));
        // The operator's pause never replaces a 410's (which says what to fix).
        assert!(PAUSE_OPERATOR.ends_with("ON CONFLICT DO NOTHING"));
    }

    #[test]
    fn claims_outlast_the_forward_timeout() {
        assert_eq!(claim_until(1_000, 10_000), 26_000);
    }

    #[test]
    fn every_state_in_the_code_is_allowed_by_the_schema() {
        let schema = include_str!("../../migrations/0001_ledger.sql");
        for s in State::ALL {
            assert!(schema.contains(&format!("'{}'", s.as_str())), "{s:?}");
        }
        let last = include_str!("../../migrations/0004_retention_bodies.sql");
        assert!(last.contains(&format!("SET value = '{SCHEMA_VERSION}'")));
    }
}
