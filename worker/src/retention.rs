//! Retention: what the daily Cron Trigger (`scheduled`) removes from the ledger and from KV,
//! and when. The edge verifier's first rule holds here too: nothing still to be delivered,
//! and nothing a replay could still send, is ever removed.
//!
//! - A (delivery, destination) row that is `delivered` or `dead` and has not changed for
//!   `LEDGER_RETENTION_DAYS`, with its attempts. A dead letter also stays as long as its body
//!   is kept for a replay ([`DEAD_LETTER_MS`]), whatever the retention. `pending`,
//!   `delivering`, `retrying` and `paused` rows are never removed, however old.
//! - Attempts older than the retention whose row is final (or gone).
//! - Deliveries with no destination row left (unrouted ones have none), last received before
//!   the retention.
//! - Bodies in KV expire by themselves; one whose delivery reached every destination is
//!   deleted early (it holds customer PII and nothing will send it again), once
//!   `BODY_TTL_SECONDS` have passed since the delivery was last received: until then a queue
//!   message for a destination that has no row yet may still read it. Only the key the ledger
//!   holds is deleted; a Replay stores its copy under a key of its own
//!   ([`keys::in_flight`]), so a run between the Replay and its consumer cannot take it.
//! - Failed admin sign-ins older than a day (a window lasts 15 minutes).
//!
//! Each statement removes at most [`BATCH`] rows; a run spends at most [`MAX_STATEMENTS`]
//! statements (the Free plan allows 50 D1 queries per invocation) and [`TIME_BUDGET_MS`], and
//! the next run goes on where it stopped: a backlog is pruned over several runs.

use serde::{Deserialize, Serialize};

use crate::message::keys;

pub const DAY_MS: u64 = 86_400_000;

/// `LEDGER_RETENTION_DAYS`: its default and range.
pub const DEFAULT_DAYS: u64 = 90;
pub const MIN_DAYS: u64 = 1;
pub const MAX_DAYS: u64 = 3650;

/// How long a dead letter's body is kept in KV for a replay (`KEEP_TTL_SECONDS` in the shell):
/// a dead letter is removed no sooner, so while it can be replayed it is listed.
pub const DEAD_LETTER_MS: u64 = 30 * DAY_MS;

/// Failed admin sign-ins are counted in 15-minute windows; a day later they mean nothing.
pub const ADMIN_FAILURES_MS: u64 = DAY_MS;

/// Rows one statement removes at most.
pub const BATCH: u64 = 1000;

/// Bodies one round deletes at most (one KV delete each; the Free plan allows 1,000 a day).
pub const BODY_BATCH: u64 = 50;

/// Statements a run may spend, all steps together (see [`Step::max_rounds`]).
pub const MAX_STATEMENTS: u32 = 45;

/// A run starts no statement after this long.
pub const TIME_BUDGET_MS: u64 = 20_000;

/// What a run prunes, in order: bodies first (personal data), then the sign-in failures, then
/// targets before the attempts and deliveries their removal frees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Bodies,
    AdminFailures,
    Targets,
    Attempts,
    Deliveries,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Bodies,
        Step::AdminFailures,
        Step::Targets,
        Step::Attempts,
        Step::Deliveries,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// Its name in the run's log line.
    pub fn name(self) -> &'static str {
        match self {
            Step::Bodies => "bodies",
            Step::AdminFailures => "adminFailures",
            Step::Targets => "targets",
            Step::Attempts => "attempts",
            Step::Deliveries => "deliveries",
        }
    }

    /// Rows (bodies) a round handles at most: fewer means none are left.
    pub fn batch(self) -> u64 {
        match self {
            Step::Bodies => BODY_BATCH,
            _ => BATCH,
        }
    }

    /// D1 statements a round runs (bodies: the query, then forgetting the deleted ones).
    pub fn statements_per_round(self) -> u32 {
        match self {
            Step::Bodies => 2,
            _ => 1,
        }
    }

    /// Rounds a run may spend on it, so that one step's backlog cannot starve the others.
    pub fn max_rounds(self) -> u32 {
        match self {
            Step::Bodies => 4,
            Step::AdminFailures => 2,
            Step::Targets => 12,
            Step::Attempts => 14,
            Step::Deliveries => 8,
        }
    }
}

/// Times (ms since 1970) before which things are old enough to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Delivered rows, attempts, deliveries. `None` when `LEDGER_RETENTION_DAYS` is invalid:
    /// nothing is pruned by age until it is fixed (the default might be shorter than meant).
    pub rows: Option<u64>,
    /// Dead letters and their attempts: the retention, and never while the body is kept.
    pub dead_letters: Option<u64>,
    pub bodies: u64,
    pub admin_failures: u64,
}

pub fn cutoffs(now_ms: u64, retention_days: Option<u64>, body_ttl_seconds: u64) -> Cutoffs {
    let rows = retention_days.map(|days| now_ms.saturating_sub(days.saturating_mul(DAY_MS)));
    Cutoffs {
        rows,
        dead_letters: rows.map(|rows| rows.min(now_ms.saturating_sub(DEAD_LETTER_MS))),
        bodies: now_ms.saturating_sub(body_ttl_seconds.saturating_mul(1000)),
        admin_failures: now_ms.saturating_sub(ADMIN_FAILURES_MS),
    }
}

impl Cutoffs {
    /// Whether `step` runs at all (the row steps need a valid retention).
    pub fn applies(&self, step: Step) -> bool {
        match step {
            Step::Bodies | Step::AdminFailures => true,
            Step::Targets | Step::Attempts | Step::Deliveries => self.rows.is_some(),
        }
    }
}

// ---- statements --------------------------------------------------------------------------------
// Each DELETE picks at most ?LIMIT rows by key in a subquery (D1 has no DELETE ... LIMIT), and
// each range condition is on an indexed column, so a run reads what it removes and little else
// (`received_at <= updated_at`, so `received_at < cutoff` only narrows the scan).

/// Final rows, unchanged since the cutoff: `delivered` (?1), `dead` (?2). ?3 limit.
pub const PRUNE_TARGETS: &str = "DELETE FROM targets WHERE (delivery_id, destination) IN \
    (SELECT delivery_id, destination FROM targets \
    WHERE state IN ('delivered', 'dead') AND received_at < ?1 \
    AND updated_at < CASE state WHEN 'dead' THEN ?2 ELSE ?1 END LIMIT ?3)";

/// Attempts before the cutoff whose row is final or gone: ?1 (delivered, gone), ?2 (dead).
/// ?3 limit.
pub const PRUNE_ATTEMPTS: &str = "DELETE FROM attempts WHERE rowid IN \
    (SELECT a.rowid FROM attempts a LEFT JOIN targets t \
    ON t.delivery_id = a.delivery_id AND t.destination = a.destination \
    WHERE a.started_at < ?1 AND (t.state IS NULL OR t.state = 'delivered' \
    OR (t.state = 'dead' AND a.started_at < ?2)) LIMIT ?3)";

/// Deliveries with no destination row left, last received before ?1. ?2 limit.
pub const PRUNE_DELIVERIES: &str = "DELETE FROM deliveries WHERE id IN \
    (SELECT d.id FROM deliveries d WHERE d.received_at < ?1 AND d.last_received_at < ?1 \
    AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.delivery_id = d.id) LIMIT ?2)";

/// Sign-in failure windows that started before ?1. ?2 limit.
pub const PRUNE_ADMIN_FAILURES: &str = "DELETE FROM admin_failures WHERE client IN \
    (SELECT client FROM admin_failures WHERE window_start < ?1 LIMIT ?2)";

/// Bodies in KV whose delivery every destination has (and has had since before ?1). ?2 limit.
/// (`last_received_at` is never before `received_at`, and only it is bounded: the partial
/// index `deliveries_with_bodies` then holds exactly the rows to look at.)
pub const BODIES_DONE_WITH: &str = "SELECT d.id, d.body_key FROM deliveries d \
    WHERE d.last_received_at < ?1 AND d.body_key IS NOT NULL \
    AND EXISTS (SELECT 1 FROM targets t WHERE t.delivery_id = d.id) \
    AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.delivery_id = d.id AND t.state <> 'delivered') \
    LIMIT ?2";

/// The deliveries whose bodies were deleted (?1, a JSON array of ids) no longer have one.
pub const FORGET_BODIES: &str = "UPDATE deliveries SET body_key = NULL \
    WHERE id IN (SELECT value FROM json_each(?1)) AND body_key IS NOT NULL";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BodyRow {
    pub id: String,
    pub body_key: String,
}

/// Whether the row's key is one of its delivery's body keys: only those are ever deleted.
/// The row holds the key of the receipt it was recorded with (or of its kept copy); a later
/// receipt's copy has a key of its own, unknown here until its messages are consumed, so a
/// run never deletes a body that a Replay's messages are about to read.
pub fn is_body_of(row: &BodyRow) -> bool {
    keys::is_body_key_of(&row.body_key, &row.id)
}

/// A step's statement and its numeric bindings; `None` when the step does not apply.
pub fn statement(step: Step, cutoffs: &Cutoffs) -> Option<(&'static str, Vec<u64>)> {
    let rows = cutoffs.rows;
    let dead = cutoffs.dead_letters;
    Some(match step {
        Step::Bodies => (BODIES_DONE_WITH, vec![cutoffs.bodies, BODY_BATCH]),
        Step::AdminFailures => (PRUNE_ADMIN_FAILURES, vec![cutoffs.admin_failures, BATCH]),
        Step::Targets => (PRUNE_TARGETS, vec![rows?, dead?, BATCH]),
        Step::Attempts => (PRUNE_ATTEMPTS, vec![rows?, dead?, BATCH]),
        Step::Deliveries => (PRUNE_DELIVERIES, vec![rows?, BATCH]),
    })
}

// ---- a run -------------------------------------------------------------------------------------

/// One run's progress: what each step removed, and whether anything was left for the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    started_ms: u64,
    rounds: [u32; 5],
    removed: [u64; 5],
    /// The last round of each step was full: more may be left.
    full: [bool; 5],
    failed: Vec<Step>,
    /// A step stopped with work left (budget or time spent).
    unfinished: bool,
}

impl Run {
    pub fn new(started_ms: u64) -> Run {
        Run {
            started_ms,
            rounds: [0; 5],
            removed: [0; 5],
            full: [true; 5],
            failed: Vec::new(),
            unfinished: false,
        }
    }

    /// Whether `step` runs another round now: its last one was full (or there was none yet),
    /// and budget and time remain. When only the budget or the time stops it, the run is
    /// unfinished (the next one goes on).
    pub fn go_on(&mut self, step: Step, now_ms: u64) -> bool {
        let i = step.index();
        if !self.full[i] || self.failed.contains(&step) {
            return false;
        }
        let in_time = now_ms < self.started_ms.saturating_add(TIME_BUDGET_MS);
        if self.rounds[i] < step.max_rounds() && in_time {
            return true;
        }
        self.unfinished = true;
        false
    }

    /// A round of `step` found `found` rows (bodies) and removed `removed` of them.
    pub fn record(&mut self, step: Step, found: u64, removed: u64) {
        let i = step.index();
        self.rounds[i] += 1;
        self.removed[i] += removed;
        self.full[i] = found >= step.batch();
    }

    /// A round of `step` failed (D1 or KV): the step stops for this run.
    pub fn fail(&mut self, step: Step) {
        self.rounds[step.index()] += 1;
        if !self.failed.contains(&step) {
            self.failed.push(step);
        }
    }

    pub fn removed(&self, step: Step) -> u64 {
        self.removed[step.index()]
    }

    /// The run's log line: counts only (never an id or a payload).
    pub fn line(&self, now_ms: u64, retention_days: Option<u64>) -> String {
        let count = |s: Step| self.removed(s);
        let line = RunLine {
            level: if self.failed.is_empty() {
                "info"
            } else {
                "warn"
            },
            retention: Counts {
                bodies: count(Step::Bodies),
                admin_failures: count(Step::AdminFailures),
                targets: count(Step::Targets),
                attempts: count(Step::Attempts),
                deliveries: count(Step::Deliveries),
            },
            retention_days,
            complete: !self.unfinished && self.failed.is_empty(),
            failed: self.failed.iter().map(|s| s.name()).collect(),
            ms: now_ms.saturating_sub(self.started_ms),
        };
        serde_json::to_string(&line).unwrap_or_default()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunLine {
    level: &'static str,
    retention: Counts,
    /// `null` when LEDGER_RETENTION_DAYS is invalid (no row was pruned by age).
    retention_days: Option<u64>,
    /// Nothing old enough was left behind.
    complete: bool,
    failed: Vec<&'static str>,
    ms: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    bodies: u64,
    admin_failures: u64,
    targets: u64,
    attempts: u64,
    deliveries: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::State;

    const NOW: u64 = 1_772_461_391_000;

    #[test]
    fn cutoffs_follow_the_documented_lifetimes() {
        let c = cutoffs(NOW, Some(DEFAULT_DAYS), 7 * 86_400);
        assert_eq!(c.rows, Some(NOW - 90 * DAY_MS));
        // 90 days is past the 30 a dead letter's body is kept: the same cutoff.
        assert_eq!(c.dead_letters, Some(NOW - 90 * DAY_MS));
        assert_eq!(c.bodies, NOW - 7 * DAY_MS);
        assert_eq!(c.admin_failures, NOW - DAY_MS);
        assert!(Step::ALL.iter().all(|s| c.applies(*s)));
    }

    #[test]
    fn a_dead_letter_stays_while_it_can_be_replayed_whatever_the_retention() {
        let c = cutoffs(NOW, Some(1), 7 * 86_400);
        assert_eq!(c.rows, Some(NOW - DAY_MS));
        assert_eq!(c.dead_letters, Some(NOW - 30 * DAY_MS));
        let c = cutoffs(NOW, Some(30), 60);
        assert_eq!(c.dead_letters, c.rows);
        assert_eq!(c.bodies, NOW - 60_000);
    }

    #[test]
    fn an_invalid_retention_prunes_nothing_by_age() {
        let c = cutoffs(NOW, None, 7 * 86_400);
        assert_eq!((c.rows, c.dead_letters), (None, None));
        let applies: Vec<_> = Step::ALL.into_iter().filter(|s| c.applies(*s)).collect();
        assert_eq!(applies, [Step::Bodies, Step::AdminFailures]);
        for step in [Step::Targets, Step::Attempts, Step::Deliveries] {
            assert_eq!(statement(step, &c), None, "{step:?}");
        }
        assert!(statement(Step::Bodies, &c).is_some());
    }

    #[test]
    fn cutoffs_never_wrap_near_the_epoch() {
        let c = cutoffs(5_000, Some(MAX_DAYS), 365 * 86_400);
        assert_eq!(
            (c.rows, c.dead_letters, c.bodies, c.admin_failures),
            (Some(0), Some(0), 0, 0)
        );
        assert_eq!(cutoffs(NOW, Some(u64::MAX), 0).rows, Some(0));
    }

    /// The highest `?n` in a statement.
    fn placeholders(sql: &str) -> usize {
        sql.split('?')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn every_statement_is_bounded_and_bound_in_full() {
        let c = cutoffs(NOW, Some(10), 7 * 86_400);
        for step in Step::ALL {
            let (sql, binds) = statement(step, &c).unwrap();
            assert_eq!(placeholders(sql), binds.len(), "{step:?}: {sql}");
            // The last binding is the limit, and it is the step's batch.
            let limit = format!("LIMIT ?{}", binds.len());
            assert!(sql.trim_end_matches(')').ends_with(&limit), "{sql}");
            assert_eq!(binds.last(), Some(&step.batch()));
        }
        assert_eq!(placeholders(FORGET_BODIES), 1);
        assert!(FORGET_BODIES.contains("json_each(?1)"));
        // Only the statement that finds bodies reads; the others delete by key.
        for sql in [
            PRUNE_TARGETS,
            PRUNE_ATTEMPTS,
            PRUNE_DELIVERIES,
            PRUNE_ADMIN_FAILURES,
        ] {
            assert!(sql.starts_with("DELETE FROM "), "{sql}");
            assert!(sql.contains(" IN (SELECT "), "{sql}");
        }
        // Dead letters get their own cutoff in both statements that remove them.
        let (_, binds) = statement(Step::Targets, &cutoffs(NOW, Some(1), 604_800)).unwrap();
        assert_eq!(binds, [NOW - DAY_MS, NOW - 30 * DAY_MS, BATCH]);
        assert!(PRUNE_TARGETS.contains("WHEN 'dead' THEN ?2 ELSE ?1"));
        assert!(PRUNE_ATTEMPTS.contains("t.state = 'dead' AND a.started_at < ?2"));
    }

    #[test]
    fn only_final_rows_are_ever_removed() {
        let named = |sql: &str| -> Vec<State> {
            State::ALL
                .into_iter()
                .filter(|s| sql.contains(&format!("'{}'", s.as_str())))
                .collect()
        };
        assert_eq!(named(PRUNE_TARGETS), [State::Delivered, State::Dead]);
        assert!(PRUNE_TARGETS.contains("state IN ('delivered', 'dead')"));
        // Attempts go only when their row is final or gone.
        assert_eq!(named(PRUNE_ATTEMPTS), [State::Delivered, State::Dead]);
        assert!(PRUNE_ATTEMPTS.contains("t.state IS NULL OR t.state = 'delivered' OR"));
        // A delivery goes only with no row left, a body only when every row is delivered.
        assert!(PRUNE_DELIVERIES
            .contains("NOT EXISTS (SELECT 1 FROM targets t WHERE t.delivery_id = d.id)"));
        assert_eq!(named(BODIES_DONE_WITH), [State::Delivered]);
        assert!(BODIES_DONE_WITH.contains("t.state <> 'delivered'"));
        assert!(BODIES_DONE_WITH.contains("AND EXISTS (SELECT 1 FROM targets"));
        // A Replay moves last_received_at: a delivery and its body stay a full period after it.
        for sql in [PRUNE_DELIVERIES, BODIES_DONE_WITH] {
            assert!(sql.contains("d.last_received_at < ?1"), "{sql}");
        }
    }

    #[test]
    fn only_the_deliverys_own_body_key_is_deleted() {
        let id = "e775fad58ae0e1bbb6123a4a2d667054535f5cc8b0d8639a643850a0ea9055be";
        let row = |key: String| BodyRow {
            id: id.into(),
            body_key: key,
        };
        assert!(is_body_of(&row(keys::body(id))));
        assert!(is_body_of(&row(keys::in_flight(id, 1_772_000_000_000))));
        assert!(!is_body_of(&row(keys::body("another"))));
        assert!(!is_body_of(&row(keys::in_flight(
            "another",
            1_772_000_000_000
        ))));
        assert!(!is_body_of(&row("dead:001772000000500:sink:ab".into())));
    }

    #[test]
    fn a_run_fits_the_free_plans_d1_queries_and_kv_deletes() {
        let statements: u32 = Step::ALL
            .iter()
            .map(|s| s.max_rounds() * s.statements_per_round())
            .sum();
        assert!(
            statements <= MAX_STATEMENTS && MAX_STATEMENTS < 50,
            "{statements}"
        );
        let kv_deletes = u64::from(Step::Bodies.max_rounds()) * BODY_BATCH;
        assert!(kv_deletes <= 200, "{kv_deletes}");
    }

    #[test]
    fn a_step_goes_on_while_its_batches_are_full_and_budget_remains() {
        let mut run = Run::new(NOW);
        assert!(run.go_on(Step::Targets, NOW));
        run.record(Step::Targets, BATCH, BATCH);
        assert!(run.go_on(Step::Targets, NOW + 10));
        run.record(Step::Targets, 12, 12);
        assert!(!run.go_on(Step::Targets, NOW + 20), "a short batch: done");
        assert_eq!(run.removed(Step::Targets), BATCH + 12);
        let line: serde_json::Value = serde_json::from_str(&run.line(NOW + 30, Some(90))).unwrap();
        assert_eq!(line["complete"], true);
        assert_eq!(line["retention"]["targets"], BATCH + 12);
        assert_eq!(line["ms"], 30);

        // A backlog: every batch full until the step's rounds are spent.
        let mut run = Run::new(NOW);
        let mut rounds = 0;
        while run.go_on(Step::Attempts, NOW) {
            run.record(Step::Attempts, BATCH, BATCH);
            rounds += 1;
        }
        assert_eq!(rounds, Step::Attempts.max_rounds());
        let line: serde_json::Value = serde_json::from_str(&run.line(NOW, Some(90))).unwrap();
        assert_eq!(line["complete"], false, "the next run goes on");
        assert_eq!(
            line["retention"]["attempts"],
            u64::from(rounds) * BATCH,
            "{line}"
        );
    }

    #[test]
    fn a_run_starts_nothing_once_its_time_is_spent() {
        let mut run = Run::new(NOW);
        assert!(run.go_on(Step::Bodies, NOW + TIME_BUDGET_MS - 1));
        run.record(Step::Bodies, BODY_BATCH, BODY_BATCH);
        assert!(!run.go_on(Step::Bodies, NOW + TIME_BUDGET_MS));
        assert!(!run.go_on(Step::Targets, NOW + TIME_BUDGET_MS));
        let line: serde_json::Value = serde_json::from_str(&run.line(NOW, Some(90))).unwrap();
        assert_eq!(line["complete"], false);
    }

    #[test]
    fn a_failed_step_stops_and_is_named_in_the_line() {
        let mut run = Run::new(NOW);
        run.fail(Step::AdminFailures);
        assert!(!run.go_on(Step::AdminFailures, NOW));
        assert!(run.go_on(Step::Targets, NOW), "the other steps still run");
        run.record(Step::Targets, 3, 3);
        let line = run.line(NOW + 5, None);
        assert!(
            line.starts_with("{\"level\":\"warn\",\"retention\":{\"bodies\":0,"),
            "{line}"
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["failed"], serde_json::json!(["adminFailures"]));
        assert_eq!(v["retentionDays"], serde_json::Value::Null);
        assert_eq!(v["complete"], false);
        assert!(!line.contains('\n'));
    }

    /// Writes the retention statements, with example values, for the query-plan check in
    /// workerd (worker/tests/retention.test.mjs runs `EXPLAIN QUERY PLAN` on each).
    #[test]
    fn retention_queries_are_written_for_the_plan_test() {
        let c = cutoffs(NOW, Some(DEFAULT_DAYS), 7 * 86_400);
        let mut queries: Vec<serde_json::Value> = Step::ALL
            .into_iter()
            .map(|step| {
                let (sql, binds) = statement(step, &c).unwrap();
                serde_json::json!({ "name": step.name(), "sql": sql, "binds": binds })
            })
            .collect();
        queries.push(serde_json::json!({
            "name": "forget bodies",
            "sql": FORGET_BODIES,
            "binds": [format!("[\"{}\"]", "a".repeat(64))],
        }));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("retention-queries.json"),
            serde_json::to_string_pretty(&queries).unwrap(),
        )
        .unwrap();
    }
}
