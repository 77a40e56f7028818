//! Every response the worker sends: status and JSON body (or one of the console's static
//! files), decided here, sent by the shell. Errors have the core's shape,
//! `{ "error": code, "message": ... }`; messages say what to do.

use serde::Serialize;
use serde_json::json;

use crate::config::Config;
use crate::ledger::{PausedRow, GONE, SCHEMA_VERSION};
use crate::retry::{Outcome, OutcomeKind};

/// A response to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    /// One more header: `Allow` for 405, `Retry-After` for 429, `Cache-Control` for a payload.
    pub header: Option<(&'static str, String)>,
}

impl Reply {
    fn new(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            body,
            header: None,
        }
    }

    fn with(mut self, name: &'static str, value: String) -> Reply {
        self.header = Some((name, value));
        self
    }
}

/// The worker's own errors, beside the core's verification errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeError {
    NotFound,
    InvalidConfig(Vec<String>),
    /// The queue or KV failed: the delivery was not accepted.
    StorageUnavailable,
    Unauthorized,
    UnknownDestination(String),
    UnknownEvent(String),
    UnknownDeadLetter,
    UnknownDelivery,
    /// An admin filter that cannot be read (the reason, naming the parameter).
    InvalidFilter(String),
    /// A replay whose body is no longer stored.
    BodyUnavailable,
    /// A payload asked for whose body is not stored (only bodies in KV can be shown).
    PayloadNotStored,
    /// Too many failed sign-ins from this client: seconds until it may try again.
    TooManyAttempts(u64),
}

impl EdgeError {
    pub fn code(&self) -> &'static str {
        match self {
            EdgeError::NotFound => "not_found",
            EdgeError::InvalidConfig(_) => "invalid_config",
            EdgeError::StorageUnavailable => "storage_unavailable",
            EdgeError::Unauthorized => "unauthorized",
            EdgeError::UnknownDestination(_) => "unknown_destination",
            EdgeError::UnknownEvent(_) => "unknown_event",
            EdgeError::UnknownDeadLetter => "unknown_dead_letter",
            EdgeError::UnknownDelivery => "unknown_delivery",
            EdgeError::InvalidFilter(_) => "invalid_filter",
            EdgeError::BodyUnavailable | EdgeError::PayloadNotStored => "body_unavailable",
            EdgeError::TooManyAttempts(_) => "too_many_attempts",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            EdgeError::NotFound
            | EdgeError::UnknownDestination(_)
            | EdgeError::UnknownDeadLetter
            | EdgeError::UnknownDelivery
            | EdgeError::PayloadNotStored => 404,
            EdgeError::InvalidFilter(_) => 400,
            EdgeError::BodyUnavailable => 410,
            EdgeError::InvalidConfig(_) => 500,
            EdgeError::StorageUnavailable => 503,
            EdgeError::Unauthorized => 401,
            EdgeError::UnknownEvent(_) => 400,
            EdgeError::TooManyAttempts(_) => 429,
        }
    }

    pub fn message(&self) -> String {
        match self {
            EdgeError::NotFound => "no such route: AtlasBrokers deliveries go to the webhook path \
                (see GET /healthz); the admin API and the console at /admin/ exist only when the \
                ADMIN_TOKEN secret is set"
                .into(),
            EdgeError::InvalidConfig(problems) => format!(
                "the edge verifier is misconfigured, so this delivery was not accepted; fix the \
                 configuration, redeploy, then press Replay in AtlasBrokers. Problems: {}",
                problems.join("; ")
            ),
            EdgeError::StorageUnavailable => {
                "the delivery could not be stored for forwarding; it was \
                not accepted: press Replay in AtlasBrokers (or retry) once the queue is available"
                    .into()
            }
            EdgeError::Unauthorized => {
                "send the ADMIN_TOKEN secret as `Authorization: Bearer <token>`".into()
            }
            EdgeError::UnknownDestination(name) => {
                format!("no destination named {name:?}: see GET /healthz for the names")
            }
            EdgeError::UnknownEvent(name) => {
                format!("{name:?} is not a catalog event: use one such as deal.won or lead.created")
            }
            EdgeError::UnknownDeadLetter => {
                "no such dead letter: list them with GET /admin/dead-letters".into()
            }
            EdgeError::UnknownDelivery => {
                "no such delivery in the ledger: list them with GET /admin/deliveries".into()
            }
            EdgeError::InvalidFilter(reason) => format!("{reason}; see \"Admin API\" in README.md"),
            EdgeError::BodyUnavailable => "this delivery's body is no longer stored (bodies of \
                dead letters are kept 30 days): press Replay in AtlasBrokers to send it again"
                .into(),
            EdgeError::PayloadNotStored => "this delivery's body is not stored: bodies are kept \
                only for dead letters and kept deliveries (30 days) and for large ones while in \
                flight; the rest are forwarded and never stored. AtlasBrokers' webhook log has it"
                .into(),
            EdgeError::TooManyAttempts(seconds) => format!(
                "too many failed sign-ins from this address: every request from it is refused \
                 (even with the right token) for {seconds} more seconds; then sign in with the \
                 ADMIN_TOKEN secret"
            ),
        }
    }

    pub fn reply(&self) -> Reply {
        let mut body = json!({ "error": self.code(), "message": self.message() });
        if let EdgeError::InvalidConfig(problems) = self {
            body["problems"] = json!(problems);
        }
        let reply = Reply::new(self.status(), body);
        match self {
            EdgeError::TooManyAttempts(seconds) => reply.with("retry-after", seconds.to_string()),
            _ => reply,
        }
    }
}

/// A verification failure from the core.
pub fn rejected(error: &atlasbrokers_webhooks::Error) -> Reply {
    let mut reply = Reply::new(
        error.http_status(),
        json!({ "error": error.code(), "message": error.to_string() }),
    );
    if error.http_status() == 405 {
        reply = reply.with("allow", "POST".into());
    }
    reply
}

/// Queue mode: queued for these destinations (each consumer skips a destination that already
/// has this delivery, see the ledger).
pub fn accepted(
    delivery_id: &str,
    destinations: &[&str],
    problem: Option<&atlasbrokers_webhooks::Error>,
) -> Reply {
    let mut body =
        json!({ "status": "accepted", "deliveryId": delivery_id, "destinations": destinations });
    add_problem(&mut body, problem);
    Reply::new(202, body)
}

/// An authentic body that is not the expected envelope is accepted, and the answer says why
/// it was marked: the code and the field, never a value.
fn add_problem(body: &mut serde_json::Value, problem: Option<&atlasbrokers_webhooks::Error>) {
    if let Some(error) = problem {
        body["envelopeProblem"] = json!({ "code": error.code(), "field": error.field() });
    }
}

/// No route takes this event: acknowledged, nothing forwarded.
pub fn unrouted(
    delivery_id: &str,
    event: Option<&str>,
    problem: Option<&atlasbrokers_webhooks::Error>,
) -> Reply {
    let message = match event {
        Some(event) => format!("no destination routes {event:?}; nothing was forwarded"),
        None => "the body names no event and no destination routes \"*\"; nothing was \
                 forwarded"
            .to_owned(),
    };
    let mut body = json!({ "status": "unrouted", "deliveryId": delivery_id, "message": message });
    add_problem(&mut body, problem);
    Reply::new(200, body)
}

/// One destination's result in direct mode (or an admin test send).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationResult {
    pub destination: String,
    pub outcome: DestinationOutcome,
    pub status: Option<u16>,
}

/// What became of a delivery at one destination during the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestinationOutcome {
    /// It was forwarded, and this is what came of it.
    Attempted(OutcomeKind),
    /// The destination had it already (acknowledged before): not sent again.
    Duplicate,
    /// The destination is paused (it answered 410): not sent.
    Paused,
    /// Another request or consumer holds its claim: not sent by this one.
    InProgress,
}

impl DestinationOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationOutcome::Attempted(kind) => kind.as_str(),
            DestinationOutcome::Duplicate => "duplicate",
            DestinationOutcome::Paused => "paused",
            DestinationOutcome::InProgress => "in_progress",
        }
    }

    /// The destination has the delivery.
    pub fn ok(self) -> bool {
        matches!(
            self,
            DestinationOutcome::Attempted(OutcomeKind::Delivered) | DestinationOutcome::Duplicate
        )
    }
}

serialize_as_str!(DestinationOutcome);

impl DestinationResult {
    /// After a POST.
    pub fn new(destination: &str, outcome: &Outcome) -> Self {
        DestinationResult {
            destination: destination.to_owned(),
            outcome: DestinationOutcome::Attempted(outcome.kind()),
            status: outcome.status(),
        }
    }

    /// Not sent, and why (`Duplicate`, `Paused` or `InProgress`).
    pub fn not_sent(destination: &str, outcome: DestinationOutcome) -> Self {
        DestinationResult {
            destination: destination.to_owned(),
            outcome,
            status: None,
        }
    }

    pub fn ok(&self) -> bool {
        self.outcome.ok()
    }
}

/// Direct mode: 200 only when every destination has it, else 502 so AtlasBrokers records a
/// failure and the user can Replay (destinations that got it are not sent it again).
pub fn direct(
    delivery_id: &str,
    results: &[DestinationResult],
    problem: Option<&atlasbrokers_webhooks::Error>,
) -> Reply {
    let all_ok = results.iter().all(DestinationResult::ok);
    let mut body = json!({
        "status": if all_ok { "delivered" } else { "failed" },
        "deliveryId": delivery_id,
        "destinations": results,
    });
    add_problem(&mut body, problem);
    if !all_ok {
        body["error"] = json!("delivery_failed");
        body["message"] = json!(
            "not every destination accepted the delivery; press Replay in AtlasBrokers to retry \
             the ones that failed"
        );
    }
    Reply::new(if all_ok { 200 } else { 502 }, body)
}

/// What `/healthz` reports beside the configuration, read from the ledger by the shell.
#[derive(Debug, Default)]
pub struct Health {
    /// Destinations paused (they answered 410 Gone, or the operator paused them), with how
    /// many deliveries are kept for each.
    pub paused: Vec<PausedRow>,
    pub dead_letters: u64,
    /// Authentic bodies that were not the envelope: how many, the last one's time and
    /// `X-Atlas-Envelope-Problem` (a code and a field, never a value).
    pub envelope_problems: u64,
    pub last_envelope_problem: Option<(u64, String)>,
    /// The ledger's `schema_version`; `None` when it could not be read.
    pub schema_version: Option<u32>,
}

/// `GET /healthz`: names and numbers only, never secrets or URLs. 503 while misconfigured,
/// while the ledger is unreadable or behind its migrations, or while a destination is gone
/// (answered 410), saying what to do. A destination the operator paused is listed with how to
/// resume it, but is no fault: it was meant (an uptime monitor should not page for it).
pub fn healthz(config: &Config, version: &str, health: &Health) -> Reply {
    let ledger_ok = health.schema_version == Some(SCHEMA_VERSION);
    let (gone, paused): (Vec<&PausedRow>, Vec<&PausedRow>) =
        health.paused.iter().partition(|p| p.reason == GONE);
    let ok = config.problems.is_empty() && gone.is_empty() && ledger_ok;
    // Each with what to do: resume a pause; for a 410, fix the hook first.
    let entry = |p: &PausedRow, action: String| {
        json!({
            "destination": p.name,
            "reason": p.reason,
            "sinceMs": p.since,
            "kept": p.kept,
            "action": action,
        })
    };
    let paused: Vec<_> = paused
        .iter()
        .map(|p| {
            let (name, kept) = (&p.name, p.kept);
            entry(
                p,
                format!(
                    "{name} is paused ({}): nothing is sent to it, and its deliveries are kept. \
                     POST /admin/destinations/{name}/resume to send the {kept} kept, oldest first",
                    p.reason
                ),
            )
        })
        .collect();
    let gone: Vec<_> = gone
        .iter()
        .map(|p| {
            let (name, kept) = (&p.name, p.kept);
            let secret = config
                .destinations
                .iter()
                .find(|d| &d.name == name)
                .map_or("its hook URL secret", |d| d.secret.as_str());
            entry(
                p,
                format!(
                    "{name} answered 410 Gone: its hook was deleted or turned off, and {kept} \
                     deliveries are kept for it (nothing is sent to it meanwhile). Turn the Zap or \
                     scenario back on, or re-create the hook and `wrangler secret put {secret}` \
                     with its new URL; then POST /admin/destinations/{name}/resume to send them"
                ),
            )
        })
        .collect();
    let ledger = match health.schema_version {
        Some(v) if v == SCHEMA_VERSION => json!({ "state": "ok", "schemaVersion": v }),
        found => json!({
            "state": if found.is_some() { "schema_behind" } else { "unavailable" },
            "schemaVersion": found,
            "expected": SCHEMA_VERSION,
            "action": "apply the ledger's migrations: `wrangler d1 migrations apply LEDGER \
                --remote` (deliveries are still accepted; they are forwarded once it is ready)",
        }),
    };
    let (last_at, last) = health
        .last_envelope_problem
        .as_ref()
        .map_or((None, None), |(at, header)| {
            (Some(*at), Some(header.as_str()))
        });
    Reply::new(
        if ok { 200 } else { 503 },
        json!({
            "ok": ok,
            "name": "atlasbrokers-edge",
            "version": version,
            "mode": config.mode.as_str(),
            "path": config.path,
            "destinations": config.destinations.iter().map(|d| json!({
                "name": d.name,
                "events": d.events,
                "gone": health.paused.iter().any(|p| p.name == d.name && p.reason == GONE),
                "paused": health.paused.iter().find(|p| p.name == d.name).map(|p| &p.reason),
            })).collect::<Vec<_>>(),
            "gone": gone,
            "paused": paused,
            "deadLetters": health.dead_letters,
            "envelopeProblems": {
                "count": health.envelope_problems,
                "lastAtMs": last_at,
                "last": last,
                "strict": config.strict_envelope,
            },
            "ledger": ledger,
            "admin": config.admin_token.is_some(),
            "problems": config.problems,
        }),
    )
}

/// `POST /admin/destinations/{name}/resume`: the pause is lifted and the kept deliveries
/// are queued again, oldest first.
pub fn resuming(destination: &str, kept: usize) -> Reply {
    Reply::new(
        202,
        json!({ "status": "resuming", "destination": destination, "kept": kept }),
    )
}

/// `POST /admin/destinations/{name}/pause`: paused now or before (then with the reason and
/// time of that pause, which stays).
pub fn paused(destination: &str, reason: &str, since_ms: u64) -> Reply {
    Reply::new(
        200,
        json!({ "status": "paused", "destination": destination, "reason": reason, "sinceMs": since_ms }),
    )
}

/// `GET /admin/overview` (see `crate::stats`).
pub fn overview(body: serde_json::Value) -> Reply {
    Reply::new(200, body)
}

/// `GET /admin/deliveries/{id}/payload`: the body as text (bytes that are not UTF-8 shown as
/// U+FFFD, and `utf8: false`), never cached by the browser.
pub fn payload(delivery_id: &str, size: u64, body: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(body);
    let utf8 = matches!(text, std::borrow::Cow::Borrowed(_));
    Reply::new(
        200,
        json!({ "deliveryId": delivery_id, "size": size, "utf8": utf8, "body": text }),
    )
    .with("cache-control", "no-store".into())
}

/// `POST /admin/test/{destination}`: 200 when the destination accepted the sample, else 502.
pub fn test_sent(event: &str, result: &DestinationResult) -> Reply {
    Reply::new(
        if result.ok() { 200 } else { 502 },
        json!({
            "status": if result.ok() { "sent" } else { "failed" },
            "event": event,
            "destination": result,
        }),
    )
}

/// `POST /admin/upgrade/kv`: how many of version 0.2's KV entries moved into the ledger.
pub fn imported(dead_letters: usize, kept: usize, paused_destinations: usize) -> Reply {
    Reply::new(
        200,
        json!({ "status": "imported", "imported": {
            "deadLetters": dead_letters,
            "kept": kept,
            "pausedDestinations": paused_destinations,
        } }),
    )
}

/// An admin answer with rows from the ledger (already shaped by the shell).
pub fn listing(key: &str, rows: serde_json::Value) -> Reply {
    Reply::new(200, json!({ key: rows }))
}

/// One delivery, its destinations and its attempts.
pub fn delivery(
    delivery: serde_json::Value,
    targets: serde_json::Value,
    attempts: serde_json::Value,
) -> Reply {
    Reply::new(
        200,
        json!({ "delivery": delivery, "destinations": targets, "attempts": attempts }),
    )
}

/// `GET /admin/deliveries`: each delivery with its destinations' rows. `targets` name their
/// delivery (`deliveryId`), which is dropped once each is placed.
pub fn deliveries(mut list: Vec<serde_json::Value>, targets: Vec<serde_json::Value>) -> Reply {
    // A scan per delivery, not a map: a page is at most 500, and a map type of its own would
    // add kilobytes to the upload.
    let targets: Vec<(String, serde_json::Value)> = targets
        .into_iter()
        .map(|mut target| {
            let id = target
                .as_object_mut()
                .and_then(|o| o.remove("deliveryId"))
                .and_then(|id| id.as_str().map(str::to_owned))
                .unwrap_or_default();
            (id, target)
        })
        .collect();
    for delivery in &mut list {
        let id = delivery.get("id").and_then(|id| id.as_str()).unwrap_or("");
        let mine: Vec<&serde_json::Value> = targets
            .iter()
            .filter(|(of, _)| of == id)
            .map(|(_, target)| target)
            .collect();
        delivery["destinations"] = json!(mine);
    }
    listing("deliveries", json!(list))
}

/// Why a dead or kept (delivery, destination) could not be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSent {
    /// Not in the expected state (someone else replayed it, or it is not dead or kept).
    Unknown,
    /// Its body is no longer stored (or direct mode, which keeps none).
    BodyGone,
    Storage,
}

/// `POST /admin/dead-letters/{id}/replay`: sent again as a new generation from its first
/// attempt, or why not.
pub fn replayed(result: Result<(), NotSent>, delivery_id: &str, destination: &str) -> Reply {
    match result {
        Ok(()) => Reply::new(
            202,
            json!({ "status": "replaying", "deliveryId": delivery_id, "destination": destination }),
        ),
        Err(NotSent::Unknown) => EdgeError::UnknownDeadLetter.reply(),
        Err(NotSent::BodyGone) => EdgeError::BodyUnavailable.reply(),
        Err(NotSent::Storage) => EdgeError::StorageUnavailable.reply(),
    }
}

/// A bulk replay: how many matched, were queued, and could not be (their bodies expired, or
/// the queue failed: run it again for those). With `dryRun`, only the count.
pub fn bulk_replay(matched: usize, replayed: usize, failed: usize, dry_run: bool) -> Reply {
    Reply::new(
        if dry_run { 200 } else { 202 },
        json!({
            "status": if dry_run { "dry_run" } else { "replaying" },
            "matched": matched,
            "replayed": replayed,
            "failed": failed,
        }),
    )
}

/// One of the operator console's static files (embedded: no CDN, works offline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The console's file at `path`, if it is one.
pub fn console_asset(path: &str) -> Option<Asset> {
    let (content_type, body) = match path {
        "/admin" | "/admin/" => (
            "text/html; charset=utf-8",
            include_str!("../console/index.html"),
        ),
        "/admin/console.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../console/console.js"),
        ),
        "/admin/console.css" => (
            "text/css; charset=utf-8",
            include_str!("../console/console.css"),
        ),
        _ => return None,
    };
    Some(Asset { content_type, body })
}

/// Sent with every console file: the page runs only its own script and style, talks only to
/// its own origin, and cannot be framed; nothing is cached without asking.
pub const CONSOLE_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-cache"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_and_status() {
        let r = rejected(&atlasbrokers_webhooks::Error::SignatureMismatch);
        assert_eq!(r.status, 401);
        assert_eq!(r.body["error"], "signature_mismatch");
        let r = rejected(&atlasbrokers_webhooks::Error::MethodNotAllowed);
        assert_eq!(
            (r.status, r.header),
            (405, Some(("allow", "POST".to_owned())))
        );
    }

    #[test]
    fn direct_mode_is_200_only_when_all_succeed() {
        let ok = DestinationResult::new(
            "zapier",
            &Outcome::Status {
                status: 200,
                retry_after: None,
                queue_full: false,
            },
        );
        let failed = DestinationResult::new("make", &Outcome::Timeout);
        assert_eq!(direct("id", std::slice::from_ref(&ok), None).status, 200);
        let r = direct("id", &[ok, failed], None);
        assert_eq!(r.status, 502);
        assert_eq!(r.body["destinations"][1]["outcome"], "timeout");
        assert_eq!(r.body["destinations"][1]["status"], serde_json::Value::Null);
        assert_eq!(r.body["error"], "delivery_failed");
        // Not sent because the destination has it: still a success.
        let had = DestinationResult::not_sent("zapier", DestinationOutcome::Duplicate);
        let r = direct("id", &[had], None);
        assert_eq!(r.status, 200);
        assert_eq!(r.body["destinations"][0]["outcome"], "duplicate");
        for (outcome, name) in [
            (DestinationOutcome::Paused, "paused"),
            (DestinationOutcome::InProgress, "in_progress"),
        ] {
            let r = direct("id", &[DestinationResult::not_sent("make", outcome)], None);
            assert_eq!(r.status, 502);
            assert_eq!(r.body["destinations"][0]["outcome"], name);
        }
    }

    /// A configuration from these vars, with the queue and the ledger bound.
    fn config_of(vars: &[(&str, &str)]) -> Config {
        let bound = crate::config::Bound {
            queue: true,
            ledger: true,
        };
        crate::config::from_vars(vars, bound)
    }

    /// What `/healthz` reads from a ledger at the expected schema, with nothing to report.
    fn ready() -> Health {
        Health {
            schema_version: Some(SCHEMA_VERSION),
            ..Health::default()
        }
    }

    #[test]
    fn healthz_names_destinations_but_never_urls_or_secrets() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_top_secret"),
            (
                "ZAPIER_HOOK_URL",
                "https://hooks.zapier.com/hooks/catch/123/capability/",
            ),
        ]);
        let r = healthz(&config, "0.1.0", &ready());
        let text = r.body.to_string();
        assert_eq!(r.status, 200);
        assert!(text.contains("\"zapier\"") && text.contains("\"queue\""));
        assert!(!text.contains("capability") && !text.contains("whsec_top_secret"));
        let unbound = crate::config::Bound {
            queue: false,
            ledger: true,
        };
        let broken = crate::config::from_vars(&[], unbound);
        let r = healthz(&broken, "0.1.0", &Health::default());
        assert_eq!(r.status, 503);
        assert!(r.body["problems"].as_array().unwrap().len() >= 2);

        // A gone destination: 503, named, with what to do, and still no URL.
        let health = Health {
            paused: vec![PausedRow {
                name: "zapier".into(),
                reason: "gone".into(),
                since: 5,
                kept: 3,
            }],
            envelope_problems: 2,
            last_envelope_problem: Some((9, "invalid_envelope; field=data.title".into())),
            schema_version: Some(SCHEMA_VERSION),
            dead_letters: 4,
        };
        let r = healthz(&config, "0.1.0", &health);
        assert_eq!(r.status, 503);
        assert_eq!(r.body["gone"][0]["destination"], "zapier");
        assert_eq!(r.body["gone"][0]["kept"], 3);
        let action = r.body["gone"][0]["action"].as_str().unwrap();
        assert!(
            action.contains("ZAPIER_HOOK_URL")
                && action.contains("/admin/destinations/zapier/resume")
        );
        assert_eq!(r.body["destinations"][0]["gone"], true);
        assert_eq!(r.body["envelopeProblems"]["count"], 2);
        assert_eq!(
            r.body["envelopeProblems"]["last"],
            "invalid_envelope; field=data.title"
        );
        assert_eq!(r.body["deadLetters"], 4);
        assert!(!r.body.to_string().contains("capability"));
    }

    #[test]
    fn an_operators_pause_is_reported_but_is_no_fault() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            ("ZAPIER_HOOK_URL", "https://hooks.zapier.com/x"),
            ("MAKE_HOOK_URL", "https://hook.make.com/y"),
        ]);
        let pause = |name: &str, reason: &str| PausedRow {
            name: name.into(),
            reason: reason.into(),
            since: 7,
            kept: 2,
        };
        let mut health = ready();
        health.paused = vec![pause("make", "operator")];
        let r = healthz(&config, "0", &health);
        assert_eq!((r.status, &r.body["ok"]), (200, &json!(true)));
        assert_eq!(r.body["gone"], json!([]));
        assert_eq!(r.body["paused"][0]["reason"], "operator");
        assert_eq!(r.body["paused"][0]["kept"], 2);
        let action = r.body["paused"][0]["action"].as_str().unwrap();
        assert!(
            action.contains("POST /admin/destinations/make/resume to send the 2 kept"),
            "{action}"
        );
        let names: Vec<_> = r.body["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["name"].clone(), d["paused"].clone(), d["gone"].clone()))
            .collect();
        assert_eq!(
            names,
            [
                (json!("zapier"), json!(null), json!(false)),
                (json!("make"), json!("operator"), json!(false))
            ]
        );
        // A 410 elsewhere still needs the operator: 503.
        health.paused.push(pause("zapier", "gone"));
        let r = healthz(&config, "0", &health);
        assert_eq!((r.status, &r.body["ok"]), (503, &json!(false)));
        assert_eq!(r.body["gone"][0]["destination"], "zapier");
        assert_eq!(r.body["paused"].as_array().unwrap().len(), 1);
        assert_eq!(r.body["destinations"][0]["gone"], true);
    }

    #[test]
    fn too_many_attempts_says_when_to_come_back() {
        let r = EdgeError::TooManyAttempts(840).reply();
        assert_eq!(
            (r.status, &r.body["error"]),
            (429, &json!("too_many_attempts"))
        );
        assert_eq!(r.header, Some(("retry-after", "840".to_owned())));
        assert!(r.body["message"]
            .as_str()
            .unwrap()
            .contains("840 more seconds"));
        assert_eq!(EdgeError::Unauthorized.reply().header, None);
    }

    #[test]
    fn payloads_are_text_and_never_cached() {
        let r = payload("abc", 11, br#"{"a":"\u00e9"}"#);
        assert_eq!(r.status, 200);
        assert_eq!(r.body["body"], r#"{"a":"\u00e9"}"#);
        assert_eq!(
            (r.body["size"].as_u64(), r.body["utf8"].as_bool()),
            (Some(11), Some(true))
        );
        assert_eq!(r.header, Some(("cache-control", "no-store".to_owned())));
        let r = payload("abc", 2, &[0xff, b'x']);
        assert_eq!(
            (r.body["body"].as_str(), r.body["utf8"].as_bool()),
            (Some("\u{fffd}x"), Some(false))
        );
        let missing = EdgeError::PayloadNotStored.reply();
        assert_eq!(
            (missing.status, &missing.body["error"]),
            (404, &json!("body_unavailable"))
        );
        assert!(missing.body["message"]
            .as_str()
            .unwrap()
            .contains("dead letters and kept deliveries"));
        let r = paused("make", "operator", 5);
        assert_eq!(
            r.body,
            json!({"status": "paused", "destination": "make", "reason": "operator", "sinceMs": 5})
        );
    }

    #[test]
    fn the_console_is_three_files_under_a_strict_policy() {
        let page = console_asset("/admin/").unwrap();
        assert_eq!(console_asset("/admin"), Some(page));
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert!(
            page.body.contains("/admin/console.js") && page.body.contains("/admin/console.css")
        );
        assert_eq!(
            console_asset("/admin/console.js").unwrap().content_type,
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            console_asset("/admin/console.css").unwrap().content_type,
            "text/css; charset=utf-8"
        );
        for other in [
            "/admin/overview",
            "/admin/console.js/",
            "/admin//",
            "/admin/index.html",
            "/",
        ] {
            assert_eq!(console_asset(other), None, "{other}");
        }
        let csp = CONSOLE_HEADERS[0].1;
        for part in [
            "default-src 'none'",
            "script-src 'self';",
            "frame-ancestors 'none'",
            "connect-src 'self'",
        ] {
            assert!(csp.contains(part), "{part}");
        }
        assert!(!csp.contains("unsafe"));
        // The page keeps to it: no inline script, style or handler, no script from elsewhere.
        let html = page.body.to_ascii_lowercase();
        for banned in [
            "<style",
            " style=",
            "<script>",
            "javascript:",
            "src=\"http",
            "src=\"//",
        ] {
            assert!(!html.contains(banned), "{banned}");
        }
        let handler = html.split(" on").skip(1).any(|rest| {
            let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
            !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
        });
        assert!(!handler, "an inline event handler");
        assert!(EdgeError::NotFound.message().contains("ADMIN_TOKEN"));
    }

    #[test]
    fn healthz_says_when_the_ledger_needs_its_migrations() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            ("ZAPIER_HOOK_URL", "https://hooks.zapier.com/x"),
        ]);
        assert_eq!(healthz(&config, "0", &ready()).status, 200);
        for (version, state) in [(None, "unavailable"), (Some(1), "schema_behind")] {
            let health = Health {
                schema_version: version,
                ..Health::default()
            };
            let r = healthz(&config, "0", &health);
            assert_eq!(r.status, 503);
            assert_eq!(r.body["ledger"]["state"], state);
            assert!(r.body["ledger"]["action"]
                .as_str()
                .unwrap()
                .contains("migrations apply"));
        }
    }

    #[test]
    fn authentic_bodies_that_are_not_the_envelope_are_accepted_and_say_why() {
        let e = atlasbrokers_webhooks::Summary::parse(br#"{"event":"ping"}"#).unwrap_err();
        let r = accepted("id", &["zapier"], Some(&e));
        assert_eq!(r.status, 202);
        assert_eq!(r.body["envelopeProblem"]["code"], "invalid_envelope");
        assert_eq!(r.body["envelopeProblem"]["field"], "timestamp");
        assert!(accepted("id", &["zapier"], None)
            .body
            .get("envelopeProblem")
            .is_none());
        let r = unrouted("id", None, Some(&e));
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("unrouted"))
        );
    }

    #[test]
    fn admin_answers() {
        let list = vec![json!({ "id": "a" }), json!({ "id": "b" })];
        let targets = vec![
            json!({ "deliveryId": "a", "destination": "zapier" }),
            json!({ "deliveryId": "a", "destination": "make" }),
        ];
        let r = deliveries(list, targets);
        assert_eq!(
            r.body["deliveries"],
            json!([
                { "id": "a", "destinations": [{ "destination": "zapier" }, { "destination": "make" }] },
                { "id": "b", "destinations": [] },
            ])
        );
        let r = replayed(Ok(()), "a", "zapier");
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (202, Some("replaying"))
        );
        for (why, code) in [
            (NotSent::Unknown, "unknown_dead_letter"),
            (NotSent::BodyGone, "body_unavailable"),
            (NotSent::Storage, "storage_unavailable"),
        ] {
            assert_eq!(replayed(Err(why), "a", "zapier").body["error"], code);
        }
        assert_eq!(
            imported(1, 2, 3).body.to_string(),
            r#"{"imported":{"deadLetters":1,"kept":2,"pausedDestinations":3},"status":"imported"}"#
        );
    }

    #[test]
    fn edge_errors_have_codes_statuses_and_directions() {
        for e in [
            EdgeError::NotFound,
            EdgeError::InvalidConfig(vec!["ROUTES is not valid".into()]),
            EdgeError::StorageUnavailable,
            EdgeError::Unauthorized,
            EdgeError::UnknownDestination("x".into()),
            EdgeError::UnknownEvent("x".into()),
            EdgeError::UnknownDeadLetter,
            EdgeError::UnknownDelivery,
            EdgeError::InvalidFilter("limit must be from 1 to 500".into()),
            EdgeError::BodyUnavailable,
            EdgeError::PayloadNotStored,
            EdgeError::TooManyAttempts(1),
        ] {
            let r = e.reply();
            assert_eq!(r.body["error"], e.code());
            assert_eq!(r.status, e.status());
            assert!(e.message().len() > 30, "{e:?}");
        }
        assert_eq!(
            EdgeError::InvalidConfig(vec!["p".into()]).reply().body["problems"][0],
            "p"
        );
    }
}
