//! `GET /admin/overview`: what the console shows at a glance, from one batch of fixed queries
//! (values bound, never written into the SQL): each destination's status, last success,
//! success rate and forward latency over the last hour and day, and deliveries per minute by
//! state over the last hour. The shell runs the queries; everything computed is here.

use atlasbrokers_webhooks::{pattern_matches, EVENT_TYPES};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::ledger::{PausedRow, State, GONE};

pub const MINUTE_MS: u64 = 60_000;
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
pub const DAY_MS: u64 = 24 * HOUR_MS;
/// Entries in the per-minute chart: the last hour, the current minute last.
pub const MINUTES: u64 = 60;

/// Attempts of the last day per destination and latency bucket: how many, how many delivered,
/// and the same for the last hour. Latencies are grouped to two significant digits (exact below
/// 100 ms, to 10 ms below 1 s, to 100 ms above), so a day is a few hundred rows at most
/// whatever the traffic. Walked destination by destination (`attempts_latency`), which no
/// planner statistics can turn into a scan of the whole history.
/// ?1 a JSON array of destination names, ?2 day start, ?3 hour start.
pub const LATENCY: &str = "SELECT a.destination, \
    CASE WHEN a.latency_ms < 100 THEN a.latency_ms \
    WHEN a.latency_ms < 1000 THEN a.latency_ms / 10 * 10 ELSE a.latency_ms / 100 * 100 END AS bucket, \
    count(*) AS n, sum(a.outcome = 'delivered') AS delivered, sum(a.started_at >= ?3) AS hourN, \
    sum(a.started_at >= ?3 AND a.outcome = 'delivered') AS hourDelivered \
    FROM json_each(?1) j JOIN attempts a ON a.destination = j.value AND a.started_at >= ?2 \
    GROUP BY a.destination, bucket";

/// Dead letters, retrying and kept deliveries per destination, now.
pub const STATE_COUNTS: &str = "SELECT destination, state, count(*) AS n FROM targets \
    WHERE state IN ('dead', 'retrying', 'paused') GROUP BY destination, state";

/// Each destination's newest delivered attempt (one index seek each: `attempts_delivered`).
/// ?1 a JSON array of destination names.
pub const LAST_SUCCESS: &str = "SELECT j.value AS destination, \
    (SELECT max(a.started_at) FROM attempts a WHERE a.destination = j.value \
    AND a.outcome = 'delivered') AS at FROM json_each(?1) j";

/// Deliveries (one per destination) received per minute since ?1, by their state now.
pub const PER_MINUTE: &str = "SELECT received_at / 60000 AS minute, state, count(*) AS n \
    FROM targets WHERE state IN ('pending', 'delivering', 'delivered', 'retrying', 'dead', 'paused') \
    AND received_at >= ?1 GROUP BY minute, state";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LatencyRow {
    pub destination: String,
    pub bucket: u64,
    pub n: u64,
    pub delivered: u64,
    pub hour_n: u64,
    pub hour_delivered: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StateCount {
    pub destination: String,
    pub state: State,
    pub n: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LastSuccess {
    pub destination: String,
    pub at: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MinuteRow {
    pub minute: u64,
    pub state: State,
    pub n: u64,
}

/// Where the queries' windows start, from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub day_start: u64,
    pub hour_start: u64,
    /// The first minute of the chart (a minute boundary): 59 whole minutes and this one.
    pub minutes_from: u64,
}

pub fn windows(now_ms: u64) -> Windows {
    Windows {
        day_start: now_ms.saturating_sub(DAY_MS),
        hour_start: now_ms.saturating_sub(HOUR_MS),
        minutes_from: (now_ms / MINUTE_MS).saturating_sub(MINUTES - 1) * MINUTE_MS,
    }
}

/// What the batch returned.
#[derive(Debug, Default)]
pub struct Rows {
    pub latency: Vec<LatencyRow>,
    pub counts: Vec<StateCount>,
    pub last_success: Vec<LastSuccess>,
    pub minutes: Vec<MinuteRow>,
    pub paused: Vec<PausedRow>,
}

/// The `p`th percentile (nearest rank) of values given as (value, how many), in any order.
pub fn percentile(groups: &[(u64, u64)], p: u64) -> Option<u64> {
    let total: u64 = groups.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = (total * p).div_ceil(100).max(1);
    let mut sorted = groups.to_vec();
    sorted.sort_unstable();
    let mut seen = 0;
    sorted.into_iter().find_map(|(value, n)| {
        seen += n;
        (seen >= rank).then_some(value)
    })
}

/// One window's numbers from (latency bucket, attempts, delivered) groups.
pub fn window(groups: &[(u64, u64, u64)]) -> Value {
    let attempts: u64 = groups.iter().map(|g| g.1).sum();
    let delivered: u64 = groups.iter().map(|g| g.2).sum();
    let latencies: Vec<(u64, u64)> = groups.iter().map(|g| (g.0, g.1)).collect();
    json!({
        "attempts": attempts,
        "delivered": delivered,
        "successRate": (attempts > 0).then(|| delivered as f64 / attempts as f64),
        "p50Ms": percentile(&latencies, 50),
        "p95Ms": percentile(&latencies, 95),
    })
}

/// A destination's status: a 410's pause is `gone`, the operator's (or any other) `paused`;
/// otherwise `retrying` while any delivery waits for a retry there, else `healthy`.
pub fn status(paused_reason: Option<&str>, retrying: u64) -> &'static str {
    match paused_reason {
        Some(GONE) => "gone",
        Some(_) => "paused",
        None if retrying > 0 => "retrying",
        None => "healthy",
    }
}

/// The host (and port, when the URL names one) of a destination's URL: never its path or
/// query, which hold the hook's capability.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host.to_ascii_lowercase()
}

/// The chart: exactly [`MINUTES`] entries from `from_ms`, each minute's deliveries by state
/// (`pending` counts those being forwarded too); rows outside the hour are ignored.
pub fn per_minute(from_ms: u64, rows: &[MinuteRow]) -> Value {
    let first = from_ms / MINUTE_MS;
    // delivered, retrying, dead, paused, pending
    let mut counts = vec![[0u64; 5]; MINUTES as usize];
    for row in rows {
        let Some(slot) = row
            .minute
            .checked_sub(first)
            .and_then(|i| counts.get_mut(i as usize))
        else {
            continue;
        };
        let column = match row.state {
            State::Delivered => 0,
            State::Retrying => 1,
            State::Dead => 2,
            State::Paused => 3,
            State::Pending | State::Delivering => 4,
        };
        slot[column] += row.n;
    }
    let minutes: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "atMs": (first + i as u64) * MINUTE_MS,
                "delivered": c[0], "retrying": c[1], "dead": c[2], "paused": c[3], "pending": c[4],
            })
        })
        .collect();
    json!({ "fromMs": first * MINUTE_MS, "minutes": minutes })
}

/// The whole overview: every configured destination, in configuration order.
pub fn overview(config: &Config, version: &str, now_ms: u64, rows: &Rows) -> Value {
    let destinations: Vec<Value> = config
        .destinations
        .iter()
        .map(|d| {
            let name = d.name.as_str();
            let count = |state: State| {
                rows.counts
                    .iter()
                    .filter(|c| c.destination == name && c.state == state)
                    .map(|c| c.n)
                    .sum::<u64>()
            };
            let pause = rows.paused.iter().find(|p| p.name == name);
            let retrying = count(State::Retrying);
            let mine: Vec<&LatencyRow> =
                rows.latency.iter().filter(|l| l.destination == name).collect();
            let day: Vec<_> = mine.iter().map(|l| (l.bucket, l.n, l.delivered)).collect();
            let hour: Vec<_> = mine
                .iter()
                .map(|l| (l.bucket, l.hour_n, l.hour_delivered))
                .collect();
            json!({
                "name": name,
                "host": host_of(&d.url),
                "status": status(pause.map(|p| p.reason.as_str()), retrying),
                "pausedSinceMs": pause.map(|p| p.since),
                "lastSuccessAtMs": rows.last_success.iter().find(|l| l.destination == name).and_then(|l| l.at),
                "deadLetters": count(State::Dead),
                "retrying": retrying,
                "kept": count(State::Paused),
                "hour": window(&hour),
                "day": window(&day),
                // The catalog events its routes send it, for the console's "Send test".
                "receives": EVENT_TYPES
                    .iter()
                    .map(|e| e.name)
                    .filter(|e| d.events.iter().any(|p| pattern_matches(p, e)))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "mode": config.mode.as_str(),
        "version": version,
        "nowMs": now_ms,
        "destinations": destinations,
        "perMinute": per_minute(windows(now_ms).minutes_from, &rows.minutes),
        "problems": config.problems,
        // The catalog's event names, so the console offers them without a copy of its own.
        "events": EVENT_TYPES.iter().map(|e| e.name).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_over_groups() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[(120, 0)], 50), None);
        assert_eq!(percentile(&[(120, 1)], 95), Some(120));
        // 1..=100 one each: p50 is the 50th value, p95 the 95th.
        let each: Vec<(u64, u64)> = (1..=100).rev().map(|v| (v, 1)).collect();
        assert_eq!(percentile(&each, 50), Some(50));
        assert_eq!(percentile(&each, 95), Some(95));
        // 90 fast, 10 slow: the median is fast, p95 slow; order of groups does not matter.
        let groups = [(4000, 10), (30, 90)];
        assert_eq!(percentile(&groups, 50), Some(30));
        assert_eq!(percentile(&groups, 90), Some(30));
        assert_eq!(percentile(&groups, 91), Some(4000));
        assert_eq!(percentile(&groups, 95), Some(4000));
    }

    #[test]
    fn windows_count_attempts_and_success() {
        let w = window(&[(30, 3, 3), (500, 1, 0)]);
        assert_eq!(w["attempts"], 4);
        assert_eq!(w["delivered"], 3);
        assert_eq!(w["successRate"], 0.75);
        assert_eq!(
            (w["p50Ms"].as_u64(), w["p95Ms"].as_u64()),
            (Some(30), Some(500))
        );
        let empty = window(&[]);
        assert_eq!(empty["attempts"], 0);
        assert!(empty["successRate"].is_null() && empty["p50Ms"].is_null());
        // Groups of the day with no attempt in the hour.
        assert!(window(&[(30, 0, 0)])["successRate"].is_null());
    }

    #[test]
    fn status_follows_pause_then_retries() {
        assert_eq!(status(Some("gone"), 3), "gone");
        assert_eq!(status(Some("operator"), 3), "paused");
        assert_eq!(status(Some("anything else"), 0), "paused");
        assert_eq!(status(None, 1), "retrying");
        assert_eq!(status(None, 0), "healthy");
    }

    #[test]
    fn hosts_never_carry_the_path_or_query() {
        for (url, host) in [
            (
                "https://hooks.zapier.com/hooks/catch/123/abc/",
                "hooks.zapier.com",
            ),
            ("https://Hook.EU1.make.com/xyz?token=1", "hook.eu1.make.com"),
            ("http://127.0.0.1:8080/hook/secret", "127.0.0.1:8080"),
            ("https://[::1]:9/x#frag", "[::1]:9"),
            ("https://h.example?q=capability", "h.example"),
            ("https://user:pw@h.example/x", "h.example"),
            ("h.example/no-scheme", "h.example"),
        ] {
            assert_eq!(host_of(url), host, "{url}");
        }
    }

    fn minute(minute: u64, state: State, n: u64) -> MinuteRow {
        MinuteRow { minute, state, n }
    }

    #[test]
    fn the_chart_has_sixty_minutes_ending_now() {
        let now = 1_772_461_391_000; // 30 min 11 s past a minute boundary... any time works
        let w = windows(now);
        assert_eq!(w.minutes_from % MINUTE_MS, 0);
        assert_eq!(now / MINUTE_MS - w.minutes_from / MINUTE_MS, MINUTES - 1);
        assert_eq!((w.hour_start, w.day_start), (now - HOUR_MS, now - DAY_MS));
        let first = w.minutes_from / MINUTE_MS;
        let chart = per_minute(
            w.minutes_from,
            &[
                minute(first, State::Delivered, 2),
                minute(first, State::Dead, 1),
                minute(first + 59, State::Pending, 1),
                minute(first + 59, State::Delivering, 2),
                minute(first + 59, State::Retrying, 4),
                minute(first + 30, State::Paused, 5),
                // Outside the hour (a clock step): ignored, never a 61st entry.
                minute(first - 1, State::Delivered, 9),
                minute(first + 60, State::Delivered, 9),
            ],
        );
        let minutes = chart["minutes"].as_array().unwrap();
        assert_eq!(minutes.len(), 60);
        assert_eq!(chart["fromMs"], w.minutes_from);
        assert_eq!(minutes[0]["atMs"], w.minutes_from);
        assert_eq!(minutes[59]["atMs"], (now / MINUTE_MS) * MINUTE_MS);
        assert_eq!(
            minutes[0],
            json!({"atMs": w.minutes_from, "delivered": 2, "retrying": 0, "dead": 1, "paused": 0, "pending": 0})
        );
        assert_eq!(
            (
                minutes[59]["pending"].as_u64(),
                minutes[59]["retrying"].as_u64()
            ),
            (Some(3), Some(4))
        );
        assert_eq!(minutes[30]["paused"], 5);
        let total: u64 = minutes
            .iter()
            .map(|m| {
                ["delivered", "retrying", "dead", "paused", "pending"]
                    .iter()
                    .map(|k| m[k].as_u64().unwrap())
                    .sum::<u64>()
            })
            .sum();
        assert_eq!(total, 2 + 1 + 1 + 2 + 4 + 5);
        // Right after the epoch there is no hour before: still 60 entries.
        assert_eq!(
            per_minute(windows(5).minutes_from, &[])["minutes"]
                .as_array()
                .unwrap()
                .len(),
            60
        );
    }

    #[test]
    fn the_overview_puts_each_destinations_rows_together() {
        let config = crate::config::from_vars(
            &[
                ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
                (
                    "ZAPIER_HOOK_URL",
                    "https://hooks.zapier.com/hooks/catch/1/capability/",
                ),
                ("MAKE_HOOK_URL", "https://hook.eu1.make.com/capability2"),
                (
                    "ROUTES",
                    r#"[{"name":"zapier","urlSecret":"ZAPIER_HOOK_URL","events":["lead.*","deal.won"]},
                        {"name":"make","urlSecret":"MAKE_HOOK_URL","events":["*"]}]"#,
                ),
            ],
            crate::config::Bound {
                queue: true,
                ledger: true,
            },
        );
        let now = 1_772_461_391_000;
        let latency =
            |destination: &str, bucket, n, delivered, hour_n, hour_delivered| LatencyRow {
                destination: destination.into(),
                bucket,
                n,
                delivered,
                hour_n,
                hour_delivered,
            };
        let count = |destination: &str, state, n| StateCount {
            destination: destination.into(),
            state,
            n,
        };
        let rows = Rows {
            latency: vec![
                latency("zapier", 40, 8, 8, 2, 2),
                latency("zapier", 1200, 2, 0, 0, 0),
                latency("make", 90, 1, 1, 1, 1),
            ],
            counts: vec![
                count("zapier", State::Retrying, 2),
                count("zapier", State::Dead, 3),
                count("make", State::Paused, 4),
            ],
            last_success: vec![
                LastSuccess {
                    destination: "zapier".into(),
                    at: Some(now - 5),
                },
                LastSuccess {
                    destination: "make".into(),
                    at: None,
                },
            ],
            minutes: vec![],
            paused: vec![PausedRow {
                name: "make".into(),
                reason: "operator".into(),
                since: now - 9,
                kept: 4,
            }],
        };
        let o = overview(&config, "9.9.9", now, &rows);
        assert_eq!(
            (
                o["mode"].as_str(),
                o["version"].as_str(),
                o["nowMs"].as_u64()
            ),
            (Some("queue"), Some("9.9.9"), Some(now))
        );
        let [zapier, make] = o["destinations"].as_array().unwrap().as_slice() else {
            panic!("{o}")
        };
        assert_eq!(
            (
                zapier["name"].as_str(),
                zapier["host"].as_str(),
                zapier["status"].as_str()
            ),
            (Some("zapier"), Some("hooks.zapier.com"), Some("retrying"))
        );
        assert_eq!(
            (
                zapier["deadLetters"].as_u64(),
                zapier["retrying"].as_u64(),
                zapier["kept"].as_u64()
            ),
            (Some(3), Some(2), Some(0))
        );
        assert_eq!(zapier["lastSuccessAtMs"], now - 5);
        assert!(zapier["pausedSinceMs"].is_null());
        assert_eq!(
            zapier["day"],
            json!({"attempts": 10, "delivered": 8, "successRate": 0.8, "p50Ms": 40, "p95Ms": 1200})
        );
        assert_eq!(
            zapier["hour"],
            json!({"attempts": 2, "delivered": 2, "successRate": 1.0, "p50Ms": 40, "p95Ms": 40})
        );
        assert_eq!(
            (
                make["status"].as_str(),
                make["pausedSinceMs"].as_u64(),
                make["kept"].as_u64()
            ),
            (Some("paused"), Some(now - 9), Some(4))
        );
        assert!(make["lastSuccessAtMs"].is_null());
        // What each receives, and the catalog, come from the core: the console keeps no copy.
        assert_eq!(
            zapier["receives"],
            json!(["lead.created", "lead.converted", "deal.won"])
        );
        let all: Vec<&str> = EVENT_TYPES.iter().map(|e| e.name).collect();
        assert_eq!(
            (o["events"].clone(), make["receives"].clone()),
            (json!(all), json!(all))
        );
        assert_eq!(all.len(), 15);
        assert_eq!(o["perMinute"]["minutes"].as_array().unwrap().len(), 60);
        assert!(!o.to_string().contains("capability"), "never a hook's path");
    }
}
