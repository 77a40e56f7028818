//! The edge verifier's `config::parse` over an arbitrary environment.
//!
//! Never panics, and:
//! - no problem text holds the value of a secret (the webhook secrets, `ADMIN_TOKEN`, any
//!   `*_HOOK_URL`, any variable a route names as its `urlSecret`), for values of 12+
//!   characters with a digit that appear nowhere else in the input (names, `ROUTES`, other
//!   values);
//! - every destination has a valid, unique name and a URL that `url_problem` accepts, taken
//!   verbatim (trimmed) from a variable;
//! - every number is within its range, and a valid value given is the value used;
//! - `ALLOW_HTTP_LOOPBACK` and `STRICT_ENVELOPE` are "true", "false" or a problem;
//! - queue mode only with a bound queue; no problem means a secret and a destination.
//!
//! Each input is read twice: as a JSON object of variables (`{"ROUTES": "[...]", ...}`,
//! non-string values used as their JSON text; the seeds in seeds/config/ are such objects),
//! with and without a queue bound; and through `arbitrary` as a list of variables whose
//! values are raw strings, numbers, tokens, URLs assembled from schemes and hosts that
//! `url_problem` must judge, or `ROUTES` arrays of such routes.
#![no_main]

use std::collections::HashMap;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use atlasbrokers_edge::config::{self, Mode};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NAMES: &[&str] = &[
    "ATLAS_WEBHOOK_SECRET",
    "ATLAS_WEBHOOK_SECRET_PREVIOUS",
    "ADMIN_TOKEN",
    "ZAPIER_HOOK_URL",
    "MAKE_HOOK_URL",
    "ROUTES",
    "MAX_BODY_BYTES",
    "TOLERANCE_SECONDS",
    "FORWARD_TIMEOUT_MS",
    "DIRECT_BUDGET_MS",
    "MAX_ATTEMPTS",
    "BACKOFF_BASE_MS",
    "BACKOFF_MAX_MS",
    "RETRY_AFTER_MAX_SECONDS",
    "DEDUP_TTL_SECONDS",
    "BODY_TTL_SECONDS",
    "LEDGER_RETENTION_DAYS",
    "DELIVERY_QUEUE",
    "DELIVERY_MODE",
    "WEBHOOK_PATH",
    "ALLOW_HTTP_LOOPBACK",
    "STRICT_ENVELOPE",
    "CRM_HOOK",
    "SLACK_URL",
];

/// Always secret, whatever routes say.
const SECRETS: &[&str] = &[
    "ATLAS_WEBHOOK_SECRET",
    "ATLAS_WEBHOOK_SECRET_PREVIOUS",
    "ADMIN_TOKEN",
];

const EVENTS: &[&str] = &[
    "*",
    "deal.won",
    "deal.*",
    "lead.*",
    "lead.created",
    "contact.updated",
    "deal.wonn",
    "",
    "*.*",
    "deal.",
    "policy.*",
];
const HOSTS: &[&str] = &[
    "hooks.zapier.com",
    "hook.eu1.make.com",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "10.0.0.1",
    "",
    "user:pw@h.example",
    "h.example:443",
    "LOCALHOST",
];
const SCHEMES: &[&str] = &["https", "http", "HTTPS", "ftp", "", "https:", "javascript"];

#[derive(Arbitrary, Debug)]
struct Input {
    queue_bound: bool,
    vars: Vec<(Name, Val)>,
}

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Val {
    Raw(String),
    Number { n: u64, pad: bool },
    Token { a: u64, b: u32 },
    Url(Url),
    Routes(Vec<Route>),
    Text(u8),
}

#[derive(Arbitrary, Debug)]
struct Url {
    scheme: u8,
    host: u8,
    port: Option<u16>,
    token: u64,
    tail: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Route {
    name: RouteName,
    url_secret: Name,
    events: Vec<u8>,
    extra: Option<(String, u8)>,
}

#[derive(Arbitrary, Debug)]
enum RouteName {
    Known(u8),
    Any(String),
}

fn name(n: &Name) -> String {
    match n {
        Name::Known(i) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
        Name::Other(s) => s.clone(),
    }
}

fn value(v: &Val) -> String {
    match v {
        Val::Raw(s) => s.clone(),
        Val::Number { n, pad } => {
            // Small numbers are the interesting ones: around every range's ends.
            let n = match n % 4 {
                0 => n % 200,
                1 => n % 70_000,
                2 => n % 110_000_000,
                _ => *n,
            };
            if *pad {
                format!(" {n}\t")
            } else {
                n.to_string()
            }
        }
        Val::Token { a, b } => format!("tok_{a:016x}{b:08x}"),
        Val::Url(u) => {
            let mut s = format!(
                "{}://{}",
                SCHEMES[usize::from(u.scheme) % SCHEMES.len()],
                HOSTS[usize::from(u.host) % HOSTS.len()]
            );
            if let Some(port) = u.port {
                s.push_str(&format!(":{port}"));
            }
            s.push_str(&format!("/hooks/catch/{:016x}/", u.token));
            if let Some(tail) = &u.tail {
                s.push_str(tail);
            }
            s
        }
        Val::Routes(routes) => {
            let routes: Vec<Value> = routes
                .iter()
                .map(|r| {
                    let mut o = serde_json::Map::new();
                    o.insert(
                        "name".into(),
                        Value::String(match &r.name {
                            RouteName::Known(i) => ["zapier", "make", "crm", "a-b_9", ""]
                                [usize::from(*i) % 5]
                                .to_owned(),
                            RouteName::Any(s) => s.clone(),
                        }),
                    );
                    o.insert("urlSecret".into(), Value::String(name(&r.url_secret)));
                    o.insert(
                        "events".into(),
                        Value::Array(
                            r.events
                                .iter()
                                .map(|e| {
                                    Value::String(EVENTS[usize::from(*e) % EVENTS.len()].into())
                                })
                                .collect(),
                        ),
                    );
                    if let Some((key, kind)) = &r.extra {
                        let v = match kind % 3 {
                            0 => Value::Null,
                            1 => Value::from(u64::from(*kind)),
                            _ => Value::String(key.clone()),
                        };
                        o.insert(key.clone(), v);
                    }
                    Value::Object(o)
                })
                .collect();
            Value::Array(routes).to_string()
        }
        Val::Text(i) => [
            "true",
            "false",
            "queue",
            "direct",
            "/webhooks/atlasbrokers",
            "/",
            "webhooks",
            " ",
            "TRUE",
            "Queue",
        ][usize::from(*i) % 10]
            .to_owned(),
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(vars) = serde_json::from_slice::<serde_json::Map<String, Value>>(data) {
        let env: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect();
        check(&env, true);
        check(&env, false);
    }
    if let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) {
        // Later entries for a name win, as a map built from the list would have it.
        let env: HashMap<String, String> = input
            .vars
            .iter()
            .map(|(n, v)| (name(n), value(v)))
            .collect();
        check(&env, input.queue_bound);
    }
});

fn check(env: &HashMap<String, String>, queue_bound: bool) {
    let c = config::parse(
        |n| env.get(n).cloned(),
        config::Bound {
            queue: queue_bound,
            ledger: true,
        },
    );
    let get = |n: &str| {
        env.get(n)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };

    // Secrets never appear in problems.
    let routes_text = env.get("ROUTES").cloned().unwrap_or_default();
    let mut public: Vec<String> = vec![routes_text.clone()];
    public.extend(env.keys().cloned());
    let mut referenced: Vec<String> = Vec::new();
    if let Ok(routes) = serde_json::from_str::<Value>(&routes_text) {
        collect_strings(&routes, &mut public);
        if let Value::Array(routes) = &routes {
            for r in routes {
                if let Some(Value::String(s)) = r.get("urlSecret") {
                    referenced.push(s.clone());
                }
            }
        }
    }
    referenced.extend(c.destinations.iter().map(|d| d.secret.clone()));
    let is_secret = |n: &str| {
        n != "ROUTES"
            && (SECRETS.contains(&n)
                || n.ends_with("_HOOK_URL")
                || referenced.iter().any(|r| r == n))
    };
    public.extend(
        env.iter()
            .filter(|(n, _)| !is_secret(n))
            .map(|(_, v)| v.clone()),
    );
    let problems = c.problems.join("\n");
    for (n, v) in env.iter().filter(|(n, _)| is_secret(n)) {
        let mut values = vec![v.trim()];
        if n == "ATLAS_WEBHOOK_SECRET_PREVIOUS" {
            values.extend(v.split(',').map(str::trim));
        }
        for secret in values {
            // Random-ish: 12+ characters with a digit (which no variable name has, so a name
            // copied into a value does not count), found nowhere in what may be shown.
            if secret.chars().count() >= 12
                && secret.bytes().any(|b| b.is_ascii_digit())
                && !public.iter().any(|p| p.contains(secret))
                && !NAMES.iter().any(|n| n.contains(secret))
                && problems.contains(secret)
            {
                panic!("the value of {n} ({secret:?}) is in a problem:\n{problems}");
            }
        }
    }

    // Destinations.
    let allow_loopback = get("ALLOW_HTTP_LOOPBACK").as_deref() == Some("true");
    for (i, d) in c.destinations.iter().enumerate() {
        assert!(
            !d.name.is_empty()
                && d.name.len() <= 64
                && d.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "destination name {:?}",
            d.name
        );
        assert!(
            c.destinations[..i].iter().all(|o| o.name != d.name),
            "destination {:?} twice",
            d.name
        );
        assert_eq!(
            config::url_problem(&d.url, allow_loopback),
            None,
            "destination {:?} has a refused URL",
            d.name
        );
        assert_eq!(
            get(&d.secret).as_deref(),
            Some(d.url.as_str()),
            "destination {:?}: its URL is not the value of {}",
            d.name,
            d.secret
        );
    }

    // Numbers: in range; a valid value given is the one used.
    let number = |n: &str, got: u64, min: u64, max: u64| {
        assert!(
            (min..=max).contains(&got),
            "{n} = {got}, outside {min}..={max}"
        );
        if let Some(given) = get(n).and_then(|t| t.parse::<u64>().ok()) {
            if (min..=max).contains(&given) {
                assert_eq!(got, given, "{n} = {given:?} given, {got} used");
            } else {
                assert!(
                    c.problems.iter().any(|p| p.starts_with(n)),
                    "{n} = {given} out of range without a problem"
                );
            }
        }
    };
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap();
    number("MAX_BODY_BYTES", c.max_body_bytes as u64, 1024, 100 << 20);
    number("FORWARD_TIMEOUT_MS", ms(c.forward_timeout), 100, 60_000);
    number("DIRECT_BUDGET_MS", ms(c.direct_budget), 100, 9_500);
    number("MAX_ATTEMPTS", u64::from(c.retry.max_attempts), 1, 100);
    number("BACKOFF_BASE_MS", c.retry.backoff_base_ms, 0, 3_600_000);
    number("BACKOFF_MAX_MS", c.retry.backoff_max_ms, 0, 43_200_000);
    assert_eq!(c.retry.retry_after_max_ms % 1000, 0);
    number(
        "RETRY_AFTER_MAX_SECONDS",
        c.retry.retry_after_max_ms / 1000,
        0,
        43_200,
    );
    // BODY_TTL_SECONDS, or 0.2's name for it when only that is set.
    let ttl_name = if get("BODY_TTL_SECONDS").is_none() && get("DEDUP_TTL_SECONDS").is_some() {
        "DEDUP_TTL_SECONDS"
    } else {
        "BODY_TTL_SECONDS"
    };
    number(ttl_name, c.body_ttl_seconds, 60, 365 * 86_400);
    assert_eq!(
        c.delivery_queue,
        get("DELIVERY_QUEUE").unwrap_or_else(|| config::DEFAULT_DELIVERY_QUEUE.to_owned())
    );
    assert!(
        !c.problems.iter().any(|p| p.contains("no LEDGER")),
        "the ledger is bound"
    );
    // The retention: the value used when valid; never a silent default when not (it might
    // prune sooner than the operator meant).
    match c.ledger_retention_days {
        Some(days) => number("LEDGER_RETENTION_DAYS", days, 1, 3650),
        None => assert!(
            c.problems
                .iter()
                .any(|p| p.starts_with("LEDGER_RETENTION_DAYS")),
            "no retention without a LEDGER_RETENTION_DAYS problem"
        ),
    }

    // Flags: "true" or "false" (absent: false), anything else a problem.
    for (flag, value) in [
        ("ALLOW_HTTP_LOOPBACK", allow_loopback),
        ("STRICT_ENVELOPE", c.strict_envelope),
    ] {
        let given = get(flag);
        assert_eq!(
            value,
            given.as_deref() == Some("true"),
            "{flag} = {given:?}"
        );
        if !matches!(given.as_deref(), None | Some("true" | "false")) {
            assert!(
                c.problems.iter().any(|p| p.starts_with(flag)),
                "{flag} = {given:?} without a problem"
            );
        }
    }

    // Mode, secret, path.
    if c.mode == Mode::Queue {
        assert!(queue_bound, "queue mode without a queue");
    }
    assert_eq!(
        c.webhook.is_some(),
        get("ATLAS_WEBHOOK_SECRET").is_some(),
        "a verifier exactly when the secret is set"
    );
    if c.problems.is_empty() {
        assert!(c.webhook.is_some(), "no problem, yet no secret");
        assert!(!c.destinations.is_empty(), "no problem, yet no destination");
        assert!(c.path.starts_with('/'), "no problem, yet path {:?}", c.path);
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(o) => {
            for (k, v) in o {
                out.push(k.clone());
                collect_strings(v, out);
            }
        }
        Value::Number(n) => out.push(n.to_string()),
        _ => {}
    }
}
