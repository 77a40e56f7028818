//! Every JSON response the worker sends (status and body), decided here, sent by the shell;
//! `/healthz`'s is in `health`, the console's files in `console`. Errors have the core's shape,
//! `{ "error": code, "message": ... }`; messages say what to do.

use serde::Serialize;
use serde_json::json;

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
    pub(crate) fn new(status: u16, body: serde_json::Value) -> Reply {
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
