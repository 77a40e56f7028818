//! The worker's configuration, read from its environment (vars and secrets) by name.
//!
//! Parsing never fails: every mistake becomes a `problem` (naming the variable, never its
//! value), shown at `/healthz`, in the 500 a delivery gets while any exists, and in the log.

use std::time::Duration;

use atlasbrokers_webhooks::Webhook;

use crate::retention;
use crate::routes::{pattern_problem, Destination};

pub const DEFAULT_PATH: &str = "/webhooks/atlasbrokers";

/// Attempts per destination by default: with the default backoff (10 s doubling, capped at an
/// hour, half of it jitter) the last one comes 3-6 hours after the first, long enough to ride
/// out a Zapier incident or a full Make queue before anything becomes a dead letter.
pub const DEFAULT_MAX_ATTEMPTS: u64 = 15;

/// How deliveries reach destinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Enqueue one message per destination, answer 202, retry from the queue consumer.
    Queue,
    /// Forward to every destination during the request; 200 only if all succeed, else 502.
    Direct,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Queue => "queue",
            Mode::Direct => "direct",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        [Mode::Queue, Mode::Direct]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// Retry timing for the queue consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per destination, the first included.
    pub max_attempts: u32,
    /// First backoff; doubles each attempt.
    pub backoff_base_ms: u64,
    /// Longest backoff.
    pub backoff_max_ms: u64,
    /// Longest wait a destination's `Retry-After` may impose.
    pub retry_after_max_ms: u64,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: String,
    /// `None` when `ATLAS_WEBHOOK_SECRET` is missing (a problem).
    pub webhook: Option<Webhook>,
    pub max_body_bytes: usize,
    pub mode: Mode,
    pub destinations: Vec<Destination>,
    pub forward_timeout: Duration,
    /// Total time direct mode may spend forwarding (AtlasBrokers waits 10 s).
    pub direct_budget: Duration,
    pub retry: RetryPolicy,
    /// How long a body too large for a queue message waits in KV for its deliveries.
    pub body_ttl_seconds: u64,
    /// `LEDGER_RETENTION_DAYS`: how long the ledger keeps what is finished (see
    /// `crate::retention`). `None` when set but invalid: nothing is pruned by age until fixed.
    pub ledger_retention_days: Option<u64>,
    /// The queue whose messages are forwarded (`DELIVERY_QUEUE`); see [`DEFAULT_DELIVERY_QUEUE`].
    pub delivery_queue: String,
    pub admin_token: Option<String>,
    /// `STRICT_ENVELOPE=true`: refuse (400) authentic bodies that are not the expected
    /// envelope, as before; by default they are forwarded, marked, and counted.
    pub strict_envelope: bool,
    pub problems: Vec<String>,
}

/// The default name of the delivery queue (`DELIVERY_QUEUE`): messages from any other queue
/// (the dead-letter queue Cloudflare moves failing messages to) are recorded, never forwarded.
pub const DEFAULT_DELIVERY_QUEUE: &str = "atlasbrokers-deliveries";

/// Which bindings the environment has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The `DELIVERIES` queue producer.
    pub queue: bool,
    /// The `LEDGER` D1 database.
    pub ledger: bool,
}

/// Reads the configuration. `get` looks a var or secret up by name; `bound` tells which
/// bindings exist.
pub fn parse(get: impl Fn(&str) -> Option<String>, bound: Bound) -> Config {
    let queue_bound = bound.queue;
    let get = |name: &str| {
        get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let mut problems = Vec::new();

    let mut number = |name: &str, default: u64, min: u64, max: u64| -> u64 {
        match get(name) {
            None => default,
            Some(text) => match text.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    problems.push(format!(
                        "{name} must be a whole number from {min} to {max} (default {default})"
                    ));
                    default
                }
            },
        }
    };
    let max_body_bytes = number("MAX_BODY_BYTES", 1 << 20, 1024, 100 << 20) as usize;
    let tolerance =
        get("TOLERANCE_SECONDS").map(|_| number("TOLERANCE_SECONDS", 0, 1, 366 * 86_400));
    let forward_timeout_ms = number("FORWARD_TIMEOUT_MS", 10_000, 100, 60_000);
    let direct_budget_ms = number("DIRECT_BUDGET_MS", 9_000, 100, 9_500);
    let retry = RetryPolicy {
        max_attempts: number("MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 100) as u32,
        backoff_base_ms: number("BACKOFF_BASE_MS", 10_000, 0, 3_600_000),
        backoff_max_ms: number("BACKOFF_MAX_MS", 3_600_000, 0, 43_200_000),
        retry_after_max_ms: number("RETRY_AFTER_MAX_SECONDS", 3_600, 0, 43_200) * 1000,
    };
    // KV's shortest expiration is 60 s. DEDUP_TTL_SECONDS is its name from version 0.2.
    let body_ttl_name = if get("BODY_TTL_SECONDS").is_none() && get("DEDUP_TTL_SECONDS").is_some() {
        "DEDUP_TTL_SECONDS"
    } else {
        "BODY_TTL_SECONDS"
    };
    let body_ttl_seconds = number(body_ttl_name, 7 * 86_400, 60, 365 * 86_400);
    let retention_days = number(
        "LEDGER_RETENTION_DAYS",
        retention::DEFAULT_DAYS,
        retention::MIN_DAYS,
        retention::MAX_DAYS,
    );
    // Not the default when invalid: it might prune sooner than the operator meant.
    let ledger_retention_days = (!problems
        .iter()
        .any(|p| p.starts_with("LEDGER_RETENTION_DAYS")))
    .then_some(retention_days);

    let webhook = build_webhook(&get, tolerance, max_body_bytes, &mut problems);

    let mode = mode(&get, queue_bound, &mut problems);

    let allow_loopback = flag(&get, "ALLOW_HTTP_LOOPBACK", &mut problems);
    let strict_envelope = flag(&get, "STRICT_ENVELOPE", &mut problems);
    let destinations = destinations(&get, allow_loopback, &mut problems);

    if !bound.ledger {
        problems.push(
            "no LEDGER D1 database is bound: `wrangler d1 create atlasbrokers-ledger`, add it to \
             wrangler.toml as binding \"LEDGER\", then `wrangler d1 migrations apply LEDGER \
             --remote`"
                .into(),
        );
    }
    let delivery_queue = get("DELIVERY_QUEUE").unwrap_or_else(|| DEFAULT_DELIVERY_QUEUE.to_owned());

    let path = get("WEBHOOK_PATH").unwrap_or_else(|| DEFAULT_PATH.to_owned());
    if !path.starts_with('/') {
        problems.push("WEBHOOK_PATH must start with \"/\"".into());
    }

    Config {
        path,
        webhook,
        max_body_bytes,
        mode,
        destinations,
        forward_timeout: Duration::from_millis(forward_timeout_ms),
        direct_budget: Duration::from_millis(direct_budget_ms),
        retry,
        body_ttl_seconds,
        ledger_retention_days,
        delivery_queue,
        admin_token: get("ADMIN_TOKEN"),
        strict_envelope,
        problems,
    }
}

/// `DELIVERY_MODE`: queue when the `DELIVERIES` queue is bound, unless set to direct.
fn mode(
    get: &impl Fn(&str) -> Option<String>,
    queue_bound: bool,
    problems: &mut Vec<String>,
) -> Mode {
    let default = if queue_bound {
        Mode::Queue
    } else {
        Mode::Direct
    };
    let Some(text) = get("DELIVERY_MODE") else {
        return default;
    };
    match Mode::parse(&text) {
        Some(Mode::Queue) if !queue_bound => {
            problems.push(
                "DELIVERY_MODE is \"queue\" but no DELIVERIES queue is bound: add the queue \
                 to wrangler.toml, or use DELIVERY_MODE=direct"
                    .into(),
            );
            Mode::Direct
        }
        Some(mode) => mode,
        None => {
            problems.push("DELIVERY_MODE must be \"queue\" or \"direct\"".into());
            default
        }
    }
}

/// A `true`/`false` var (absent: false). Anything else is a problem, not a silent false.
fn flag(get: &impl Fn(&str) -> Option<String>, name: &str, problems: &mut Vec<String>) -> bool {
    match get(name).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            problems.push(format!("{name} must be \"true\" or \"false\""));
            false
        }
    }
}

fn build_webhook(
    get: &impl Fn(&str) -> Option<String>,
    tolerance: Option<u64>,
    max_body_bytes: usize,
    problems: &mut Vec<String>,
) -> Option<Webhook> {
    let Some(secret) = get("ATLAS_WEBHOOK_SECRET") else {
        problems.push(
            "ATLAS_WEBHOOK_SECRET is not set: `wrangler secret put ATLAS_WEBHOOK_SECRET` with the \
             secret from AtlasBrokers Settings > Webhooks"
                .into(),
        );
        return None;
    };
    let mut webhook = Webhook::new(secret)
        .ok()?
        .with_max_body_bytes(max_body_bytes);
    // Several previous secrets may be listed, comma-separated.
    for previous in get("ATLAS_WEBHOOK_SECRET_PREVIOUS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        webhook = webhook.with_previous_secret(previous).ok()?;
    }
    if let Some(seconds) = tolerance {
        webhook = webhook.with_tolerance(Duration::from_secs(seconds));
    }
    Some(webhook)
}

/// `ROUTES` (JSON) when set, else `ZAPIER_HOOK_URL` and/or `MAKE_HOOK_URL` for every event.
fn destinations(
    get: &impl Fn(&str) -> Option<String>,
    allow_loopback: bool,
    problems: &mut Vec<String>,
) -> Vec<Destination> {
    let mut out: Vec<Destination> = Vec::new();
    for route in routes(get, problems) {
        if let Some(d) = destination(route, get, allow_loopback, &out, problems) {
            out.push(d);
        }
    }
    out
}

/// One entry of `ROUTES`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Route {
    name: String,
    url_secret: String,
    events: Vec<String>,
}

/// The routes as configured, before they are checked.
fn routes(get: &impl Fn(&str) -> Option<String>, problems: &mut Vec<String>) -> Vec<Route> {
    let routes: Vec<Route> = match get("ROUTES") {
        Some(json) => match serde_json::from_str(&json) {
            Ok(routes) => routes,
            Err(e) => {
                problems.push(format!(
                    "ROUTES is not valid: {e}. Expected a JSON array of \
                     {{\"name\": \"zapier\", \"urlSecret\": \"ZAPIER_HOOK_URL\", \"events\": [\"deal.won\", \"lead.*\"]}}"
                ));
                return Vec::new();
            }
        },
        None => ["ZAPIER_HOOK_URL", "MAKE_HOOK_URL"]
            .into_iter()
            .filter(|name| get(name).is_some())
            .map(|name| Route {
                name: name.trim_end_matches("_HOOK_URL").to_ascii_lowercase(),
                url_secret: name.to_owned(),
                events: vec!["*".into()],
            })
            .collect(),
    };
    if routes.is_empty() {
        problems.push(
            "no destination: set ZAPIER_HOOK_URL and/or MAKE_HOOK_URL (wrangler secret put), \
             or ROUTES"
                .into(),
        );
    }
    routes
}

/// A route checked against those before it (`earlier`): `None` when it cannot be used. Its
/// problems name the route and the secret, never the URL.
fn destination(
    route: Route,
    get: &impl Fn(&str) -> Option<String>,
    allow_loopback: bool,
    earlier: &[Destination],
    problems: &mut Vec<String>,
) -> Option<Destination> {
    let name = route.name;
    if !crate::routes::is_destination_name(&name) {
        problems.push(format!(
            "route name {name:?} must be 1-64 letters, digits, '-' or '_'"
        ));
        return None;
    }
    if earlier.iter().any(|d| d.name == name) {
        problems.push(format!("route name {name:?} is used twice"));
        return None;
    }
    if route.events.is_empty() {
        problems.push(format!("route {name:?} lists no events"));
    }
    problems.extend(
        route
            .events
            .iter()
            .filter_map(|p| pattern_problem(p))
            .map(|p| format!("route {name:?}: {p}")),
    );
    let secret = route.url_secret;
    let Some(url) = get(&secret) else {
        problems.push(format!(
            "route {name:?}: secret {secret} is not set (wrangler secret put {secret})"
        ));
        return None;
    };
    if let Some(problem) = url_problem(&url, allow_loopback) {
        problems.push(format!("route {name:?}: the URL in {secret} {problem}"));
        return None;
    }
    Some(Destination {
        name,
        url,
        secret,
        events: route.events,
    })
}

/// Only `https` hook URLs; `http` only to loopback, and only when allowed (tests, `make dev`).
pub fn url_problem(url: &str, allow_loopback: bool) -> Option<&'static str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some("must be an https URL");
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    if host.is_empty() || host_port.contains('@') {
        return Some("has no host, or has credentials in it");
    }
    match scheme {
        "https" => None,
        "http" if allow_loopback && matches!(host, "127.0.0.1" | "localhost" | "::1") => None,
        "http" => {
            Some("must use https (http is allowed only to loopback with ALLOW_HTTP_LOOPBACK=true)")
        }
        _ => Some("must be an https URL"),
    }
}

/// The configuration these variables make (a later duplicate wins): the unit tests' one way
/// to build a `Config`.
#[cfg(test)]
pub(crate) fn from_vars(vars: &[(&str, &str)], bound: Bound) -> Config {
    let vars: std::collections::HashMap<&str, &str> = vars.iter().copied().collect();
    parse(|name| vars.get(name).map(|v| v.to_string()), bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)], queue_bound: bool) -> Config {
        let bound = Bound {
            queue: queue_bound,
            ledger: true,
        };
        from_vars(vars, bound)
    }

    const SECRET: (&str, &str) = ("ATLAS_WEBHOOK_SECRET", "whsec_x");

    #[test]
    fn defaults_with_zapier_and_make() {
        let c = config(
            &[
                SECRET,
                (
                    "ZAPIER_HOOK_URL",
                    "https://hooks.zapier.com/hooks/catch/1/abc/",
                ),
                ("MAKE_HOOK_URL", "https://hook.eu1.make.com/xyz"),
            ],
            true,
        );
        assert_eq!(c.problems, Vec::<String>::new());
        assert_eq!(c.mode, Mode::Queue);
        let names: Vec<_> = c.destinations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["zapier", "make"]);
        assert_eq!(c.destinations[0].events, ["*"]);
        assert_eq!(c.max_body_bytes, 1 << 20);
        assert_eq!(c.retry.max_attempts, 15);
        assert!(!c.strict_envelope);
        assert_eq!(c.forward_timeout, Duration::from_secs(10));
        assert_eq!(c.body_ttl_seconds, 604_800);
        assert_eq!(c.ledger_retention_days, Some(90));
        assert_eq!(c.delivery_queue, DEFAULT_DELIVERY_QUEUE);
        assert_eq!(c.path, DEFAULT_PATH);
    }

    #[test]
    fn the_ledger_is_required_and_the_old_ttl_name_still_read() {
        let get = |n: &str| match n {
            "ATLAS_WEBHOOK_SECRET" => Some("whsec_x".to_owned()),
            "ZAPIER_HOOK_URL" => Some("https://h.example/z".to_owned()),
            "DEDUP_TTL_SECONDS" => Some("3600".to_owned()),
            _ => None,
        };
        let without = parse(
            get,
            Bound {
                queue: true,
                ledger: false,
            },
        );
        assert!(
            without.problems.iter().any(|p| p.contains("LEDGER")),
            "{:?}",
            without.problems
        );
        assert_eq!(without.body_ttl_seconds, 3600);
    }

    #[test]
    fn mode_follows_the_queue_binding_and_delivery_mode() {
        let z = ("ZAPIER_HOOK_URL", "https://h.example/z");
        assert_eq!(config(&[SECRET, z], false).mode, Mode::Direct);
        assert_eq!(
            config(&[SECRET, z, ("DELIVERY_MODE", "direct")], true).mode,
            Mode::Direct
        );
        let c = config(&[SECRET, z, ("DELIVERY_MODE", "queue")], false);
        assert_eq!(c.mode, Mode::Direct);
        assert!(c.problems[0].contains("no DELIVERIES queue"));
        assert_eq!(
            config(&[SECRET, z, ("DELIVERY_MODE", "queue")], true).mode,
            Mode::Queue
        );
        for (bound, mode) in [(true, Mode::Queue), (false, Mode::Direct)] {
            let c = config(&[SECRET, z, ("DELIVERY_MODE", "Queue")], bound);
            assert_eq!(c.mode, mode);
            assert!(c.problems[0].contains("must be \"queue\" or \"direct\""));
        }
    }

    #[test]
    fn routes_are_validated_without_revealing_urls() {
        let routes = r#"[
            {"name": "zapier", "urlSecret": "Z", "events": ["lead.*", "deal.won"]},
            {"name": "make", "urlSecret": "M", "events": ["deal.wonn"]},
            {"name": "plain", "urlSecret": "P", "events": ["*"]},
            {"name": "zapier", "urlSecret": "Z", "events": ["*"]},
            {"name": "missing", "urlSecret": "NOPE", "events": ["*"]}
        ]"#;
        let c = config(
            &[
                SECRET,
                ("ROUTES", routes),
                ("Z", "https://hooks.zapier.com/hooks/catch/secret-path/"),
                ("M", "https://hook.make.com/secret-token"),
                ("P", "http://hooks.example/secret-plain"),
            ],
            true,
        );
        let names: Vec<_> = c.destinations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["zapier", "make"]);
        let all = c.problems.join("\n");
        assert!(
            all.contains("\"deal.wonn\" matches no catalog event"),
            "{all}"
        );
        assert!(all.contains("must use https"), "{all}");
        assert!(all.contains("\"zapier\" is used twice"), "{all}");
        assert!(all.contains("secret NOPE is not set"), "{all}");
        assert!(
            !all.contains("secret-path")
                && !all.contains("secret-token")
                && !all.contains("secret-plain")
        );
    }

    #[test]
    fn bad_json_and_numbers_are_named() {
        let c = config(
            &[
                SECRET,
                ("ROUTES", "{nope"),
                ("MAX_ATTEMPTS", "0"),
                ("FORWARD_TIMEOUT_MS", "soon"),
            ],
            true,
        );
        let all = c.problems.join("\n");
        assert!(all.contains("ROUTES is not valid"), "{all}");
        assert!(
            all.contains("MAX_ATTEMPTS must be a whole number from 1 to 100"),
            "{all}"
        );
        assert!(all.contains("FORWARD_TIMEOUT_MS"), "{all}");
        assert_eq!(
            c.retry.max_attempts, 15,
            "a bad value falls back to the default"
        );
    }

    #[test]
    fn the_ledger_retention_is_days_within_ten_years_and_never_a_silent_default() {
        let z = ("ZAPIER_HOOK_URL", "https://h.example/z");
        for (given, days) in [("1", 1), (" 30 ", 30), ("3650", 3650)] {
            let c = config(&[SECRET, z, ("LEDGER_RETENTION_DAYS", given)], true);
            assert_eq!(c.problems, Vec::<String>::new(), "{given}");
            assert_eq!(c.ledger_retention_days, Some(days));
        }
        for bad in ["0", "3651", "90d", "-1", "7.5"] {
            let c = config(&[SECRET, z, ("LEDGER_RETENTION_DAYS", bad)], true);
            assert_eq!(
                c.problems,
                ["LEDGER_RETENTION_DAYS must be a whole number from 1 to 3650 (default 90)"],
                "{bad}"
            );
            assert_eq!(
                c.ledger_retention_days, None,
                "{bad}: nothing pruned by age"
            );
        }
        // Another variable's problem does not switch retention off.
        let c = config(&[SECRET, z, ("MAX_ATTEMPTS", "0")], true);
        assert_eq!(c.ledger_retention_days, Some(90));
    }

    #[test]
    fn flags_are_true_or_false() {
        let z = ("ZAPIER_HOOK_URL", "https://h.example/z");
        assert!(config(&[SECRET, z, ("STRICT_ENVELOPE", "true")], true).strict_envelope);
        let c = config(&[SECRET, z, ("STRICT_ENVELOPE", "yes")], true);
        assert!(!c.strict_envelope);
        assert!(c.problems[0].contains("STRICT_ENVELOPE must be"));
    }

    #[test]
    fn missing_secret_and_destinations_are_problems() {
        let c = config(&[], true);
        assert!(c.webhook.is_none());
        let all = c.problems.join("\n");
        assert!(all.contains("ATLAS_WEBHOOK_SECRET is not set"));
        assert!(all.contains("no destination"));
    }

    #[test]
    fn rotation_and_tolerance_reach_the_verifier() {
        use atlasbrokers_webhooks::{sign, EventType};
        let body = EventType::find("deal.won").unwrap().sample_body;
        let c = config(
            &[
                SECRET,
                ("ATLAS_WEBHOOK_SECRET_PREVIOUS", "old1, old2"),
                ("ZAPIER_HOOK_URL", "https://h.example/z"),
            ],
            true,
        );
        let wh = c.webhook.unwrap();
        for s in ["whsec_x", "old1", "old2"] {
            assert!(
                wh.verify_summary(body.as_bytes(), Some(&sign(s, body)))
                    .is_ok(),
                "{s}"
            );
        }
        assert!(wh
            .verify_summary(body.as_bytes(), Some(&sign("old3", body)))
            .is_err());
        let c = config(
            &[
                SECRET,
                ("TOLERANCE_SECONDS", "300"),
                ("ZAPIER_HOOK_URL", "https://h.example/z"),
            ],
            true,
        );
        // The 2026-03-02 sample is far outside 5 minutes of now.
        let err = c
            .webhook
            .unwrap()
            .verify_summary(body.as_bytes(), Some(&sign("whsec_x", body)))
            .unwrap_err();
        assert_eq!(err.code(), "timestamp_out_of_tolerance");
    }

    #[test]
    fn urls() {
        assert_eq!(url_problem("https://hooks.zapier.com/x", false), None);
        assert_eq!(url_problem("http://127.0.0.1:9000/x", true), None);
        assert_eq!(url_problem("http://[::1]:9000/x", true), None);
        assert_eq!(url_problem("http://localhost/x", true), None);
        assert!(url_problem("http://127.0.0.1:9000/x", false).is_some());
        assert!(url_problem("http://10.0.0.1/x", true).is_some());
        assert!(url_problem("ftp://x", true).is_some());
        assert!(url_problem("https://user:pw@host/x", false).is_some());
        assert!(url_problem("https:///x", false).is_some());
        assert!(url_problem("not a url", false).is_some());
    }
}
