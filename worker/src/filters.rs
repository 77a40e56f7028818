//! The admin API's questions to the ledger: a filter read from the query string, and the SQL
//! it becomes (only fixed SQL text with `?N` parameters; values are always bound).

use crate::ledger::State;
use crate::retry::DeadReason;
use crate::routes::is_destination_name;

/// Rows per page when the request does not say.
pub const DEFAULT_LIMIT: u32 = 100;
/// Most rows per page, and most dead letters one bulk replay sends.
pub const MAX_LIMIT: u32 = 500;

/// `?destination=&event=&state=&reason=&from=&to=&before=&limit=`; every part optional.
/// Times are milliseconds since the epoch, compared with the delivery's first receipt:
/// `from` inclusive, `to` exclusive. `before` pages newest first: see [`Before`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub destination: Option<String>,
    pub event: Option<String>,
    pub state: Option<State>,
    pub reason: Option<DeadReason>,
    pub from: Option<u64>,
    pub to: Option<u64>,
    pub before: Option<Before>,
    pub limit: u32,
}

/// Where the next page starts: `before=<ms>` (rows received before that time), or
/// `before=<ms>:<id>` with a page's last row's `receivedAtMs` and `id` (rows after that row in
/// the listing's order). The id breaks ties: rows received in the same millisecond as a
/// page's last row are on the next page, not skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Before {
    pub at: u64,
    /// The last row's delivery id, and its destination for a dead letter.
    pub row: Option<(String, Option<String>)>,
}

impl Before {
    fn parse(value: &str) -> Option<Before> {
        let (at, row) = match value.split_once(':') {
            None => (value, None),
            Some((at, id)) => {
                let row = match parse_dead_letter_id(id) {
                    Some((delivery, destination)) => {
                        (delivery.to_owned(), Some(destination.to_owned()))
                    }
                    None if is_delivery_id(id) => (id.to_owned(), None),
                    None => return None,
                };
                (at, Some(row))
            }
        };
        let at = at.parse::<u64>().ok().filter(|t| *t < 1 << 53)?;
        Some(Before { at, row })
    }
}

/// 64 lowercase hex digits: a SHA-256, as delivery ids are.
fn is_delivery_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A value bound to a `?N` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Int(u64),
}

/// Reads a query string (without the `?`). Unknown parameters are refused, so that a typo
/// never turns "replay the dead letters of zapier" into "replay every dead letter".
pub fn parse(query: &str) -> Result<Filter, String> {
    let mut filter = Filter {
        limit: DEFAULT_LIMIT,
        ..Filter::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Browsers' URLSearchParams write `:` as `%3A` (and a space as `+`).
        // The message names no part of the input: a URL may hold anything.
        let value = &decode(value)
            .ok_or("a value is not URL-encoded UTF-8: write %XX escapes of its bytes")?;
        let time = || {
            value
                .parse::<u64>()
                .ok()
                .filter(|t| *t < 1 << 53)
                .ok_or_else(|| format!("{name} must be a time in milliseconds since 1970"))
        };
        match name {
            "destination" if is_destination_name(value) => {
                filter.destination = Some(value.to_owned())
            }
            "destination" => return Err("destination must be a route name".into()),
            "event" if is_event(value) => filter.event = Some(value.to_owned()),
            "event" => return Err("event must be an event name such as deal.won".into()),
            "state" => {
                filter.state = Some(State::parse(value).ok_or(
                    "state must be one of pending, delivering, delivered, retrying, dead, paused",
                )?)
            }
            "reason" => {
                filter.reason = Some(DeadReason::parse(value).ok_or(
                    "reason must be one of rejected, exhausted, body_expired, \
                     unknown_destination, dead_letter_queue, direct_failed",
                )?)
            }
            "from" => filter.from = Some(time()?),
            "to" => filter.to = Some(time()?),
            "before" => {
                filter.before = Some(Before::parse(value).ok_or(
                    "before must be a time in milliseconds since 1970, or <receivedAtMs>:<id> \
                     of a page's last row",
                )?)
            }
            "limit" => {
                filter.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or(format!("limit must be from 1 to {MAX_LIMIT}"))?
            }
            // The admin API's own switches.
            "dryRun" | "confirm" => {}
            _ => {
                // Shown back printable and short: a URL may hold anything.
                let shown: String = name
                    .chars()
                    .take(40)
                    .map(|c| if c.is_ascii_graphic() { c } else { '?' })
                    .collect();
                return Err(format!(
                    "unknown filter \"{shown}\": use destination, event, state, reason, from, \
                     to, before, limit"
                ));
            }
        }
    }
    Ok(filter)
}

/// A query-string value with its `%XX` escapes and `+` decoded; `None` when an escape is
/// broken or the bytes are not UTF-8.
fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = value.get(i + 1..i + 3)?;
                out.push(
                    u8::from_str_radix(hex, 16)
                        .ok()
                        .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))?,
                );
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// An event name: lowercase letters, digits, `.` and `_` (what AtlasBrokers sends).
fn is_event(value: &str) -> bool {
    (1..=100).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

/// A dead letter's id: `<delivery id>:<destination>` (the dead-letter list builds it in SQL alike).
pub fn dead_letter_id(delivery_id: &str, destination: &str) -> String {
    format!("{delivery_id}:{destination}")
}

/// Splits an id from a URL into (delivery id, destination), if it is one [`dead_letter_id`]
/// could make (64 lowercase hex digits, `:`, a route name).
pub fn parse_dead_letter_id(id: &str) -> Option<(&str, &str)> {
    let (delivery, destination) = id.split_once(':')?;
    (is_delivery_id(delivery) && is_destination_name(destination))
        .then_some((delivery, destination))
}

/// SQL under construction: fixed text, values bound to `?N` in order.
struct Query {
    sql: String,
    binds: Vec<Bind>,
}

impl Query {
    fn new(select: &str) -> Query {
        Query {
            sql: select.to_owned(),
            binds: Vec::new(),
        }
    }

    /// ` AND <condition> ?N` with `bind` as `?N`.
    fn and(&mut self, condition: &str, bind: Bind) {
        self.binds.push(bind);
        self.sql
            .push_str(&format!(" AND {condition} ?{}", self.binds.len()));
    }

    /// The filter's time range on `column` (received-at).
    fn times(&mut self, filter: &Filter, column: &str) {
        if let Some(from) = filter.from {
            self.and(&format!("{column} >="), Bind::Int(from));
        }
        if let Some(to) = filter.to {
            self.and(&format!("{column} <"), Bind::Int(to));
        }
    }

    /// Rows after `before` in the order of [`Query::page`] over `(time, ids...)`. The time
    /// bound alone is a range the index walks; the ids only sort out one millisecond.
    fn before(&mut self, before: &Option<Before>, time: &str, ids: [&str; 2]) {
        let Some(before) = before else { return };
        let Some((delivery, destination)) = &before.row else {
            return self.and(&format!("{time} <"), Bind::Int(before.at));
        };
        self.and(&format!("{time} <="), Bind::Int(before.at));
        let at = self.binds.len();
        self.binds.push(Bind::Text(delivery.clone()));
        let (columns, values) = match (destination, ids[1]) {
            (Some(destination), column) if !column.is_empty() => {
                self.binds.push(Bind::Text(destination.clone()));
                (
                    format!("({}, {column})", ids[0]),
                    format!("(?{}, ?{})", at + 1, at + 2),
                )
            }
            _ => (ids[0].to_owned(), format!("?{}", at + 1)),
        };
        self.sql
            .push_str(&format!(" AND ({time} < ?{at} OR {columns} < {values})"));
    }

    /// The filter's conditions on a `targets` row aliased `t`.
    fn targets(&mut self, filter: &Filter) {
        if let Some(destination) = &filter.destination {
            self.and("t.destination =", Bind::Text(destination.clone()));
        }
        if let Some(event) = &filter.event {
            self.and("t.event =", Bind::Text(event.clone()));
        }
        if let Some(reason) = filter.reason {
            self.and("t.dead_reason =", Bind::Text(reason.as_str().to_owned()));
        }
        self.times(filter, "t.received_at");
    }

    /// Newest first by `columns` (received-at, then the ids that break its ties), one page.
    fn page(mut self, columns: &[&str], limit: u32) -> (String, Vec<Bind>) {
        self.binds.push(Bind::Int(u64::from(limit)));
        let order: Vec<String> = columns.iter().map(|c| format!("{c} DESC")).collect();
        self.sql.push_str(&format!(
            " ORDER BY {} LIMIT ?{}",
            order.join(", "),
            self.binds.len()
        ));
        (self.sql, self.binds)
    }
}

/// Dead letters matching the filter, newest first (its `state` is ignored: they are dead).
pub fn dead_letters(filter: &Filter) -> (String, Vec<Bind>) {
    let mut q = Query::new(
        "SELECT t.delivery_id || ':' || t.destination AS id, t.delivery_id AS deliveryId, \
         t.destination, t.event, t.received_at AS receivedAtMs, t.attempts, \
         t.dead_reason AS reason, t.last_outcome AS lastOutcome, t.last_status AS lastStatus, \
         t.updated_at AS failedAtMs FROM targets t WHERE t.state = 'dead'",
    );
    q.targets(filter);
    q.before(&filter.before, "t.received_at", TARGET_IDS);
    q.page(&TARGET_ORDER, filter.limit)
}

/// A `targets` row's ids, and the order of its listings: `(delivery_id, destination)` is its
/// primary key, which every index of the table ends with, so the order needs no sort.
const TARGET_IDS: [&str; 2] = ["t.delivery_id", "t.destination"];
const TARGET_ORDER: [&str; 3] = ["t.received_at", "t.delivery_id", "t.destination"];

/// Deliveries newest first. With a destination, state or reason, the walk goes through
/// `targets` (one row per delivery and destination); else through `deliveries`.
pub fn deliveries(filter: &Filter) -> (String, Vec<Bind>) {
    if filter.destination.is_some() || filter.state.is_some() || filter.reason.is_some() {
        let mut q = Query::new(
            "SELECT d.id, d.event, d.workspace_id AS workspaceId, d.received_at AS receivedAtMs, \
             d.last_received_at AS lastReceivedAtMs, d.size, d.envelope_problem AS envelopeProblem \
             FROM targets t JOIN deliveries d ON d.id = t.delivery_id \
             WHERE 1",
        );
        if let Some(state) = filter.state {
            q.and("t.state =", Bind::Text(state.as_str().to_owned()));
        }
        q.targets(filter);
        // A delivery's rows are listed together; its id alone moves past all of them.
        q.before(&filter.before, "t.received_at", ["t.delivery_id", ""]);
        q.page(&TARGET_ORDER, filter.limit)
    } else {
        let mut q = Query::new(
            "SELECT d.id, d.event, d.workspace_id AS workspaceId, d.received_at AS receivedAtMs, \
             d.last_received_at AS lastReceivedAtMs, d.size, d.envelope_problem AS envelopeProblem \
             FROM deliveries d WHERE 1",
        );
        if let Some(event) = &filter.event {
            q.and("d.event =", Bind::Text(event.clone()));
        }
        q.times(filter, "d.received_at");
        q.before(&filter.before, "d.received_at", ["d.id", ""]);
        // Only rows of one millisecond are sorted by id (SQLite: "LAST TERM OF ORDER BY").
        q.page(&["d.received_at", "d.id"], filter.limit)
    }
}

// The admin API's rows come out of D1 as JSON objects with the names the API shows
// (camelCase, times in `…Ms`): every query here names its columns so.

/// The destinations of several deliveries. ?1 a JSON array of delivery ids.
pub const TARGETS_OF_DELIVERIES: &str = "SELECT delivery_id AS deliveryId, destination, state, \
    attempts, last_status AS lastStatus, last_outcome AS lastOutcome FROM targets \
    WHERE delivery_id IN (SELECT value FROM json_each(?1)) ORDER BY destination";

/// One delivery's destinations. ?1 id.
pub const TARGETS_OF_DELIVERY: &str = "SELECT destination, state, generation, attempts, \
    last_status AS lastStatus, last_outcome AS lastOutcome, next_attempt_at AS nextAttemptAtMs, \
    dead_reason AS deadReason, delivered_at AS deliveredAtMs, updated_at AS updatedAtMs \
    FROM targets WHERE delivery_id = ?1 ORDER BY destination";

/// One delivery's attempts, oldest first. ?1 id.
pub const ATTEMPTS_OF_DELIVERY: &str = "SELECT destination, generation, attempt, \
    started_at AS startedAtMs, latency_ms AS latencyMs, status, outcome, next FROM attempts WHERE delivery_id = ?1 \
    ORDER BY destination, started_at";

/// One delivery. ?1 id.
pub const DELIVERY: &str = "SELECT id, event, workspace_id AS workspaceId, \
    received_at AS receivedAtMs, last_received_at AS lastReceivedAtMs, size, \
    body_key IS NOT NULL AS bodyStored, envelope_problem AS envelopeProblem \
    FROM deliveries WHERE id = ?1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_every_part_and_refuse_what_they_do_not_know() {
        let f = parse("destination=zapier&event=deal.won&reason=exhausted&from=5&to=9&limit=20")
            .unwrap();
        assert_eq!(f.destination.as_deref(), Some("zapier"));
        assert_eq!(f.event.as_deref(), Some("deal.won"));
        assert_eq!(f.reason, Some(DeadReason::Exhausted));
        assert_eq!((f.from, f.to, f.limit), (Some(5), Some(9), 20));
        assert_eq!(parse("").unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(parse("state=dead").unwrap().state, Some(State::Dead));
        for bad in [
            "destinaton=zapier",
            "destination=zap%20ier",
            "destination=",
            "event=DROP TABLE",
            "state=gone",
            "reason=bored",
            "from=-1",
            "from=1e3",
            "to=99999999999999999999",
            "limit=0",
            "limit=501",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}=1", "x".repeat(5000));
        assert!(parse(&long).unwrap_err().len() < 200);
        // Found by fuzz/fuzz_targets/filters.rs: escaped control characters grew the message.
        let control = format!("{}=1", "\u{0}\u{14}".repeat(30));
        let reason = parse(&control).unwrap_err();
        assert!(reason.len() < 200 && !reason.contains('\u{0}'), "{reason}");
    }

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let f = parse("destination=zapier&event=deal.won&from=5").unwrap();
        let (sql, binds) = dead_letters(&f);
        assert!(!sql.contains("zapier") && !sql.contains("deal.won"));
        assert_eq!(
            binds,
            vec![
                Bind::Text("zapier".into()),
                Bind::Text("deal.won".into()),
                Bind::Int(5),
                Bind::Int(u64::from(DEFAULT_LIMIT))
            ]
        );
        assert!(
            sql.ends_with(
                "ORDER BY t.received_at DESC, t.delivery_id DESC, t.destination DESC LIMIT ?4"
            ),
            "{sql}"
        );
        let (sql, binds) = deliveries(&parse("event=deal.won").unwrap());
        assert!(
            sql.contains("FROM deliveries d WHERE 1 AND d.event = ?1"),
            "{sql}"
        );
        assert_eq!(binds.len(), 2);
        let (sql, _) = deliveries(&parse("destination=make&state=dead").unwrap());
        assert!(sql.contains("t.state = ?1 AND t.destination = ?2"), "{sql}");
    }

    #[test]
    fn before_is_a_time_or_a_rows_time_and_id() {
        let id = "a".repeat(64);
        assert_eq!(
            parse("before=5").unwrap().before,
            Some(Before { at: 5, row: None })
        );
        assert_eq!(
            parse(&format!("before=5:{id}")).unwrap().before,
            Some(Before {
                at: 5,
                row: Some((id.clone(), None))
            })
        );
        assert_eq!(
            parse(&format!("before=5:{id}:zapier")).unwrap().before,
            Some(Before {
                at: 5,
                row: Some((id.clone(), Some("zapier".into())))
            })
        );
        for bad in [
            "before=".to_owned(),
            "before=x".to_owned(),
            "before=5:".to_owned(),
            format!("before=:{id}"),
            format!("before=5:{}", "A".repeat(64)),
            format!("before=5:{id}:"),
            format!("before=5:{id}:zap/ier"),
            format!("before=9007199254740992:{id}"),
        ] {
            assert!(parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_may_be_url_encoded() {
        let id = "c".repeat(64);
        let f = parse(&format!("before=5%3A{id}%3azapier&event=deal%2Ewon")).unwrap();
        assert_eq!(
            f.before,
            Some(Before {
                at: 5,
                row: Some((id, Some("zapier".into())))
            })
        );
        assert_eq!(f.event.as_deref(), Some("deal.won"));
        for bad in [
            "event=deal%2",
            "event=deal%zz",
            "event=%ff",
            "event=%+1",
            "event=deal+won",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_page_after_a_row_keeps_the_rows_of_its_millisecond() {
        let id = "b".repeat(64);
        // Dead letters: one per (delivery, destination); the row is both ids.
        let (sql, binds) = dead_letters(&parse(&format!("before=7:{id}:make&limit=2")).unwrap());
        assert!(
            sql.contains(
                "AND t.received_at <= ?1 AND (t.received_at < ?1 OR (t.delivery_id, t.destination) < (?2, ?3))"
            ),
            "{sql}"
        );
        assert_eq!(
            binds,
            vec![
                Bind::Int(7),
                Bind::Text(id.clone()),
                Bind::Text("make".into()),
                Bind::Int(2)
            ]
        );
        // Deliveries: by their own id, whichever table the walk goes through.
        let (sql, binds) = deliveries(&parse(&format!("event=deal.won&before=7:{id}")).unwrap());
        assert!(
            sql.contains("AND d.received_at <= ?2 AND (d.received_at < ?2 OR d.id < ?3)")
                && sql.ends_with("ORDER BY d.received_at DESC, d.id DESC LIMIT ?4"),
            "{sql}"
        );
        assert_eq!(binds[2], Bind::Text(id.clone()));
        let (sql, _) = deliveries(&parse(&format!("state=dead&before=7:{id}")).unwrap());
        assert!(
            sql.contains("AND (t.received_at < ?2 OR t.delivery_id < ?3)"),
            "{sql}"
        );
        // A time alone: strictly older, as before.
        let (sql, _) = deliveries(&parse("before=7").unwrap());
        assert!(sql.contains("AND d.received_at < ?1 ORDER BY"), "{sql}");
    }

    #[test]
    fn dead_letter_ids_are_exact() {
        let id = dead_letter_id(&"a".repeat(64), "zapier");
        assert_eq!(
            parse_dead_letter_id(&id),
            Some((&*"a".repeat(64), "zapier"))
        );
        for bad in [
            "dead:001772461391000:zapier:0123456789abcdef".to_owned(),
            format!("{}:zapier", "A".repeat(64)),
            format!("{}:zapier", "a".repeat(63)),
            format!("{}:zap/ier", "a".repeat(64)),
            format!("{}:", "a".repeat(64)),
            "a".repeat(520),
        ] {
            assert_eq!(parse_dead_letter_id(&bad), None, "{bad}");
        }
    }

    #[test]
    fn rows_are_named_as_the_api_shows_them() {
        let (sql, _) = dead_letters(&Filter::default());
        for name in [
            "AS id",
            "AS deliveryId",
            "AS reason",
            "AS failedAtMs",
            "AS receivedAtMs",
        ] {
            assert!(sql.contains(name), "{name}: {sql}");
        }
        for sql in [deliveries(&Filter::default()).0, DELIVERY.to_owned()] {
            assert!(
                sql.contains("AS receivedAtMs") && sql.contains("AS workspaceId"),
                "{sql}"
            );
        }
        assert!(!ATTEMPTS_OF_DELIVERY.contains("latency_ms,"));
    }

    /// Writes the console's queries, with example values, for the query-plan test in workerd
    /// (worker/tests/ledger.test.mjs runs `EXPLAIN QUERY PLAN` on each against a migrated D1).
    #[test]
    fn console_queries_are_written_for_the_plan_test() {
        let now = 1_772_461_391_000u64;
        let id = "e775fad58ae0e1bbb6123a4a2d667054535f5cc8b0d8639a643850a0ea9055be";
        let mut queries: Vec<(String, String, Vec<Bind>)> = Vec::new();
        for (name, query) in [
            ("deliveries, newest first", ""),
            ("deliveries of one event", "event=deal.won"),
            (
                "deliveries in a time range",
                "from=1772400000000&to=1772461391000",
            ),
            ("deliveries of one destination", "destination=zapier"),
            (
                "deliveries by outcome at a destination",
                "destination=zapier&state=dead",
            ),
            ("deliveries by outcome", "state=retrying"),
        ] {
            let (sql, binds) = deliveries(&parse(query).unwrap());
            queries.push((name.into(), sql, binds));
            let next = format!("{query}&before={now}:{id}");
            let (sql, binds) = deliveries(&parse(&next).unwrap());
            queries.push((format!("{name}, next page"), sql, binds));
        }
        for (name, query) in [
            ("dead letters", ""),
            (
                "dead letters of one destination and event",
                "destination=make&event=lead.created",
            ),
        ] {
            let (sql, binds) = dead_letters(&parse(query).unwrap());
            queries.push((name.into(), sql, binds));
            let next = format!("{query}&before={now}:{id}:zapier");
            let (sql, binds) = dead_letters(&parse(&next).unwrap());
            queries.push((format!("{name}, next page"), sql, binds));
        }
        let one = |sql: &str, binds: Vec<Bind>| (sql.to_owned(), binds);
        for (name, (sql, binds)) in [
            ("one delivery", one(DELIVERY, vec![Bind::Text(id.into())])),
            (
                "its destinations",
                one(TARGETS_OF_DELIVERY, vec![Bind::Text(id.into())]),
            ),
            (
                "its attempts",
                one(ATTEMPTS_OF_DELIVERY, vec![Bind::Text(id.into())]),
            ),
            (
                "destinations of a page of deliveries",
                one(
                    TARGETS_OF_DELIVERIES,
                    vec![Bind::Text(format!("[\"{id}\"]"))],
                ),
            ),
            (
                "overview: attempts and latency per destination (last day and hour)",
                one(
                    crate::stats::LATENCY,
                    vec![
                        Bind::Text("[\"zapier\",\"make\"]".into()),
                        Bind::Int(now - 86_400_000),
                        Bind::Int(now - 3_600_000),
                    ],
                ),
            ),
            (
                "overview: dead, retrying and kept per destination",
                one(crate::stats::STATE_COUNTS, vec![]),
            ),
            (
                "overview: last success per destination",
                one(
                    crate::stats::LAST_SUCCESS,
                    vec![Bind::Text("[\"zapier\",\"make\"]".into())],
                ),
            ),
            (
                "overview: deliveries per minute by state (last hour)",
                one(crate::stats::PER_MINUTE, vec![Bind::Int(now - 3_600_000)]),
            ),
            (
                "a payload's size and body key",
                one(crate::ledger::PAYLOAD_OF, vec![Bind::Text(id.into())]),
            ),
            (
                "a destination's pause",
                one(crate::ledger::PAUSE_OF, vec![Bind::Text("make".into())]),
            ),
            (
                "failed sign-ins of a client",
                one(
                    crate::auth::FAILURES_OF,
                    vec![Bind::Text(crate::auth::client_key(None))],
                ),
            ),
            (
                "failed sign-ins whose window ended",
                one(
                    crate::auth::FORGET_FAILURES,
                    vec![Bind::Int(now - crate::auth::FAILURE_WINDOW_MS)],
                ),
            ),
            (
                "kept deliveries of a paused destination",
                one(
                    crate::ledger::KEPT_FOR,
                    vec![Bind::Text("make".into()), Bind::Int(500)],
                ),
            ),
            (
                "/healthz: paused destinations",
                one(crate::ledger::PAUSED, vec![]),
            ),
            (
                "/healthz: dead letters",
                one(crate::ledger::DEAD_COUNT, vec![]),
            ),
            (
                "/healthz: envelope problems",
                one(crate::ledger::ENVELOPE_PROBLEMS, vec![]),
            ),
            (
                "/healthz: the last envelope problem",
                one(crate::ledger::LAST_ENVELOPE_PROBLEM, vec![]),
            ),
        ] {
            queries.push((name.into(), sql, binds));
        }
        let json: Vec<serde_json::Value> = queries
            .into_iter()
            .map(|(name, sql, binds)| {
                let binds: Vec<serde_json::Value> = binds
                    .into_iter()
                    .map(|b| match b {
                        Bind::Text(t) => serde_json::json!(t),
                        Bind::Int(n) => serde_json::json!(n),
                    })
                    .collect();
                serde_json::json!({ "name": name, "sql": sql, "binds": binds })
            })
            .collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("ledger-queries.json"),
            serde_json::to_string_pretty(&json).unwrap(),
        )
        .unwrap();
    }
}
