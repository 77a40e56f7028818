//! Every response the worker sends: status and JSON body, decided here, sent by the shell.
//! Errors have the core's shape, `{ "error": code, "message": ... }`; messages say what to do.

use serde::Serialize;
use serde_json::json;

use crate::config::Config;
use crate::message::{EnvelopeProblems, GoneMark};
use crate::retry::Outcome;

/// A response to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    /// `Allow` header, for 405.
    pub allow: Option<&'static str>,
}

impl Reply {
    fn new(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            body,
            allow: None,
        }
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
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            EdgeError::NotFound
            | EdgeError::UnknownDestination(_)
            | EdgeError::UnknownDeadLetter => 404,
            EdgeError::InvalidConfig(_) => 500,
            EdgeError::StorageUnavailable => 503,
            EdgeError::Unauthorized => 401,
            EdgeError::UnknownEvent(_) => 400,
        }
    }

    pub fn message(&self) -> String {
        match self {
            EdgeError::NotFound => "no such route: AtlasBrokers deliveries go to the webhook path \
                (see GET /healthz)"
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
        }
    }

    pub fn reply(&self) -> Reply {
        let mut body = json!({ "error": self.code(), "message": self.message() });
        if let EdgeError::InvalidConfig(problems) = self {
            body["problems"] = json!(problems);
        }
        Reply::new(self.status(), body)
    }
}

/// A verification failure from the core.
pub fn rejected(error: &atlasbrokers_webhooks::Error) -> Reply {
    let mut reply = Reply::new(
        error.http_status(),
        json!({ "error": error.code(), "message": error.to_string() }),
    );
    if error.http_status() == 405 {
        reply.allow = Some("POST");
    }
    reply
}

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

/// Every destination acknowledged this delivery before: nothing is forwarded again.
pub fn duplicate(delivery_id: &str) -> Reply {
    Reply::new(
        200,
        json!({ "status": "duplicate", "deliveryId": delivery_id }),
    )
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
    /// `delivered`, `duplicate` (acknowledged before), `gone`, `queue_full`, `http_error`,
    /// `timeout`, `network_error`.
    pub outcome: String,
    pub status: Option<u16>,
}

impl DestinationResult {
    pub fn new(destination: &str, outcome: &Outcome) -> Self {
        DestinationResult {
            destination: destination.to_owned(),
            outcome: outcome.label().to_owned(),
            status: outcome.status(),
        }
    }

    pub fn ok(&self) -> bool {
        self.outcome == "delivered" || self.outcome == "duplicate"
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

/// What `/healthz` reports beside the configuration, read from storage by the shell.
#[derive(Debug, Default)]
pub struct Health {
    /// Destinations marked gone, with how many deliveries are kept for each.
    pub gone: Vec<(String, GoneMark, usize)>,
    pub envelope_problems: EnvelopeProblems,
    /// False when storage could not be read: the report is then incomplete.
    pub storage_ok: bool,
}

/// `GET /healthz`: names and numbers only, never secrets or URLs. 503 while misconfigured or
/// while a destination is gone, saying what to do.
pub fn healthz(config: &Config, version: &str, health: &Health) -> Reply {
    let ok = config.problems.is_empty() && health.gone.is_empty();
    let gone: Vec<_> = health
        .gone
        .iter()
        .map(|(name, mark, kept)| {
            let secret = config
                .destinations
                .iter()
                .find(|d| &d.name == name)
                .map_or("its hook URL secret", |d| d.secret.as_str());
            json!({
                "destination": name,
                "sinceMs": mark.since_ms,
                "kept": kept,
                "action": format!(
                    "{name} answered 410 Gone: its hook was deleted or turned off, and {kept} \
                     deliveries are kept for it (nothing is sent to it meanwhile). Turn the Zap or \
                     scenario back on, or re-create the hook and `wrangler secret put {secret}` \
                     with its new URL; then POST /admin/destinations/{name}/resume to send them"
                ),
            })
        })
        .collect();
    let problems = &health.envelope_problems;
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
                "gone": health.gone.iter().any(|(name, _, _)| name == &d.name),
            })).collect::<Vec<_>>(),
            "gone": gone,
            "envelopeProblems": {
                "count": problems.count,
                "lastAtMs": (problems.count > 0).then_some(problems.last_at_ms),
                "lastCode": (problems.count > 0).then_some(&problems.last_code),
                "lastField": problems.last_field,
                "strict": config.strict_envelope,
            },
            "storage": if health.storage_ok { "ok" } else { "unavailable" },
            "admin": config.admin_token.is_some(),
            "problems": config.problems,
        }),
    )
}

/// `POST /admin/destinations/{name}/resume`: the gone mark is cleared and the kept deliveries
/// are queued again, oldest first.
pub fn resuming(destination: &str, kept: usize) -> Reply {
    Reply::new(
        202,
        json!({ "status": "resuming", "destination": destination, "kept": kept }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn core_errors_keep_their_code_and_status() {
        let r = rejected(&atlasbrokers_webhooks::Error::SignatureMismatch);
        assert_eq!(r.status, 401);
        assert_eq!(r.body["error"], "signature_mismatch");
        let r = rejected(&atlasbrokers_webhooks::Error::MethodNotAllowed);
        assert_eq!((r.status, r.allow), (405, Some("POST")));
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
    }

    #[test]
    fn healthz_names_destinations_but_never_urls_or_secrets() {
        let vars: HashMap<&str, &str> = [
            ("ATLAS_WEBHOOK_SECRET", "whsec_top_secret"),
            (
                "ZAPIER_HOOK_URL",
                "https://hooks.zapier.com/hooks/catch/123/capability/",
            ),
        ]
        .into();
        let config = crate::config::parse(|n| vars.get(n).map(|v| v.to_string()), true);
        let r = healthz(&config, "0.1.0", &Health::default());
        let text = r.body.to_string();
        assert_eq!(r.status, 200);
        assert!(text.contains("\"zapier\"") && text.contains("\"queue\""));
        assert!(!text.contains("capability") && !text.contains("whsec_top_secret"));
        let broken = crate::config::parse(|_| None, false);
        let r = healthz(&broken, "0.1.0", &Health::default());
        assert_eq!(r.status, 503);
        assert!(r.body["problems"].as_array().unwrap().len() >= 2);

        // A gone destination: 503, named, with what to do, and still no URL.
        let health = Health {
            gone: vec![(
                "zapier".into(),
                GoneMark {
                    since_ms: 5,
                    delivery_id: "ab".repeat(32),
                },
                3,
            )],
            envelope_problems: EnvelopeProblems {
                count: 2,
                last_at_ms: 9,
                last_code: "invalid_envelope".into(),
                last_field: Some("data.title".into()),
            },
            storage_ok: true,
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
        assert_eq!(r.body["envelopeProblems"]["lastField"], "data.title");
        assert!(!r.body.to_string().contains("capability"));
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
    fn edge_errors_have_codes_statuses_and_directions() {
        for e in [
            EdgeError::NotFound,
            EdgeError::InvalidConfig(vec!["ROUTES is not valid".into()]),
            EdgeError::StorageUnavailable,
            EdgeError::Unauthorized,
            EdgeError::UnknownDestination("x".into()),
            EdgeError::UnknownEvent("x".into()),
            EdgeError::UnknownDeadLetter,
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
