//! What `POST {WEBHOOK_PATH}` does with a body, decided without I/O (`shell::receive` reads
//! the body, then carries the plan out). After the signature verified, nothing is refused for
//! its shape (unless STRICT_ENVELOPE): an authentic delivery refused here would be lost for
//! good.

use std::time::{Duration, UNIX_EPOCH};

use atlasbrokers_webhooks::Error;

use crate::config::{Config, Mode};
use crate::headers;
use crate::ledger::{Claim, Receipt, State};
use crate::log::EnvelopeWarning;
use crate::message::Delivery;
use crate::responses::{self, DestinationOutcome, EdgeError, Reply};
use crate::routes::{destinations_for, Destination};

/// A verified delivery on its way to its destinations (the body stays with the shell).
#[derive(Debug)]
pub struct Incoming {
    /// The event the body names, if any.
    pub event: Option<String>,
    pub workspace_id: Option<String>,
    /// The idempotency key.
    pub id: String,
    /// The signature that verified, lowercase hex.
    pub signature: String,
    pub received_at: u64,
    pub size: u64,
    /// Why an authentic body is not the envelope (it is forwarded all the same, marked).
    pub problem: Option<Error>,
    /// `X-Atlas-Envelope-Problem`, from `problem`.
    pub envelope_problem: Option<String>,
}

/// What to do with a request.
#[derive(Debug)]
pub enum Plan<'c> {
    /// Answer this, and nothing else (refused, or misconfigured).
    Answer(Reply),
    /// No route takes it: answer `reply`, then record the receipt.
    Unrouted { incoming: Incoming, reply: Reply },
    /// Queue mode: one message per destination, then 202.
    Enqueue(Incoming, Vec<&'c Destination>),
    /// Direct mode: forward to each destination during the request.
    Direct(Incoming, Vec<&'c Destination>),
}

/// The plan, and a warning to log first (an authentic body that is not the envelope).
pub fn plan<'c>(
    config: &'c Config,
    body: &[u8],
    header: Option<&str>,
    received_at: u64,
) -> (Plan<'c>, Option<String>) {
    let misconfigured = || Plan::Answer(EdgeError::InvalidConfig(config.problems.clone()).reply());
    let Some(webhook) = &config.webhook else {
        return (misconfigured(), None);
    };
    // The gate: the signature, and nothing else, decides whether this came from AtlasBrokers.
    let authentic = match webhook.authenticate(body, header) {
        Ok(authentic) => authentic,
        Err(error) => return (Plan::Answer(responses::rejected(&error)), None),
    };
    let id = authentic.delivery_id();
    let mut warning = None;
    let (event, workspace_id, problem) = match authentic.summary() {
        Ok(summary) => {
            // wasm has no clock of its own: the window is checked against the request time.
            let at = UNIX_EPOCH + Duration::from_millis(received_at);
            if let Err(error) = webhook.check_timestamp_at(summary.timestamp(), at) {
                return (Plan::Answer(responses::rejected(&error)), None);
            }
            let workspace_id = Some(summary.workspace_id().to_owned());
            (Some(summary.event().to_owned()), workspace_id, None)
        }
        // Authentic but not the envelope we expect: AtlasBrokers will not send it again, so
        // it is forwarded, marked, and counted, unless the operator asked for the old 400.
        Err(error) => {
            warning = Some(EnvelopeWarning::new(&id, &error, config.strict_envelope).line());
            if config.strict_envelope {
                return (Plan::Answer(responses::rejected(&error)), warning);
            }
            (authentic.event().map(|e| e.into_owned()), None, Some(error))
        }
    };
    // Only now: an unauthenticated caller learns nothing about the configuration.
    if !config.problems.is_empty() {
        return (misconfigured(), warning);
    }
    let incoming = Incoming {
        workspace_id,
        signature: authentic.signature(),
        received_at,
        size: body.len() as u64,
        envelope_problem: problem.as_ref().map(headers::envelope_problem),
        problem,
        event,
        id,
    };
    let targets = destinations_for(&config.destinations, incoming.event.as_deref());
    let plan = match (targets.is_empty(), config.mode) {
        (true, _) => Plan::Unrouted {
            reply: responses::unrouted(
                &incoming.id,
                incoming.event.as_deref(),
                incoming.problem.as_ref(),
            ),
            incoming,
        },
        (false, Mode::Queue) => Plan::Enqueue(incoming, targets),
        (false, Mode::Direct) => Plan::Direct(incoming, targets),
    };
    (plan, warning)
}

impl Incoming {
    /// The event name, empty when the body names none.
    pub fn event_name(&self) -> &str {
        self.event.as_deref().unwrap_or("")
    }

    /// What the ledger records of it (routed to `targets`).
    pub fn receipt(&self, targets: &[&Destination]) -> Receipt {
        Receipt {
            id: self.id.clone(),
            event: self.event_name().to_owned(),
            workspace_id: self.workspace_id.clone(),
            received_at: self.received_at,
            size: self.size,
            signature: self.signature.clone(),
            body_key: None,
            envelope_problem: self.envelope_problem.clone(),
            destinations: targets.iter().map(|d| d.name.clone()).collect(),
        }
    }

    /// The queue message for `destination`: whatever attempt is due (the ledger decides).
    pub fn message(
        &self,
        destination: &str,
        inline: Option<&str>,
        body_key: Option<&str>,
    ) -> Delivery {
        Delivery {
            id: self.id.clone(),
            event: self.event_name().to_owned(),
            destination: destination.to_owned(),
            signature: self.signature.clone(),
            generation: 0,
            attempt: 0,
            body: inline.map(str::to_owned),
            body_key: body_key.map(str::to_owned),
            received_at_ms: self.received_at,
            workspace_id: self.workspace_id.clone(),
            requested_at_ms: self.received_at,
            envelope_problem: self.envelope_problem.clone(),
        }
    }

    /// Queue mode's answer once the messages are queued.
    pub fn accepted(&self, targets: &[&Destination]) -> Reply {
        let names: Vec<&str> = targets.iter().map(|d| d.name.as_str()).collect();
        responses::accepted(&self.id, &names, self.problem.as_ref())
    }
}

/// Direct mode, after the claim (`None`: the ledger failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectStep {
    /// Forward it as this attempt.
    Forward { generation: u32, attempt: u32 },
    /// The destination is paused: recorded as a dead letter (`direct_failed`), not sent.
    Bury,
    /// Not sent, for this reason.
    Skip(DestinationOutcome),
}

pub fn direct_step(claim: Option<Claim>) -> DirectStep {
    match claim {
        Some(Claim::Forward {
            generation,
            attempt,
        }) => DirectStep::Forward {
            generation,
            attempt,
        },
        // Without the ledger, forward anyway: AtlasBrokers is waiting, and a lost delivery is
        // worse than a rare duplicate.
        None => DirectStep::Forward {
            generation: 0,
            attempt: 1,
        },
        Some(Claim::Done(State::Delivered)) => DirectStep::Skip(DestinationOutcome::Duplicate),
        Some(Claim::Keep { .. }) => DirectStep::Bury,
        Some(Claim::Wait { .. } | Claim::Done(_)) => {
            DirectStep::Skip(DestinationOutcome::InProgress)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlasbrokers_webhooks::{sign, EventType};

    fn config(extra: &[(&str, &str)], queue: bool) -> Config {
        let mut vars = vec![
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            (
                "ROUTES",
                r#"[{"name":"zapier","urlSecret":"Z","events":["deal.*"]}]"#,
            ),
            ("Z", "https://hooks.zapier.com/x"),
        ];
        vars.extend_from_slice(extra);
        let bound = crate::config::Bound {
            queue,
            ledger: true,
        };
        crate::config::from_vars(&vars, bound)
    }

    fn sample(event: &str) -> &'static str {
        EventType::find(event).unwrap().sample_body
    }

    /// 2026-03-02T14:23:11Z, the samples' timestamp.
    const SAMPLE_AT_MS: u64 = 1_772_461_391_000;

    #[test]
    fn an_authentic_delivery_is_queued_for_its_routes() {
        let c = config(&[], true);
        let body = sample("deal.won");
        let (p, warning) = plan(&c, body.as_bytes(), Some(&sign("whsec_x", body)), 7);
        assert!(warning.is_none());
        let Plan::Enqueue(incoming, targets) = p else {
            panic!("{p:?}")
        };
        assert_eq!(targets.len(), 1);
        assert_eq!(incoming.event.as_deref(), Some("deal.won"));
        assert_eq!(
            (incoming.received_at, incoming.size),
            (7, body.len() as u64)
        );
        let m = incoming.message("zapier", Some(body), None);
        assert_eq!((m.generation, m.requested_at_ms), (0, 7));
        assert_eq!(incoming.accepted(&targets).status, 202);
        assert_eq!(incoming.receipt(&targets).destinations, ["zapier"]);
        let direct = config(&[], false);
        let (p, _) = plan(&direct, body.as_bytes(), Some(&sign("whsec_x", body)), 7);
        assert!(matches!(p, Plan::Direct(..)), "{p:?}");
    }

    #[test]
    fn forged_deliveries_learn_nothing_about_the_configuration() {
        let c = config(&[("MAX_ATTEMPTS", "0")], true);
        let body = sample("deal.won");
        let (p, _) = plan(&c, body.as_bytes(), Some(&sign("wrong", body)), 7);
        let Plan::Answer(reply) = p else {
            panic!("{p:?}")
        };
        assert_eq!(
            (reply.status, reply.body["error"].as_str()),
            (401, Some("signature_mismatch"))
        );
        let (p, _) = plan(&c, body.as_bytes(), Some(&sign("whsec_x", body)), 7);
        let Plan::Answer(reply) = p else {
            panic!("{p:?}")
        };
        assert_eq!(reply.body["error"], "invalid_config");
    }

    #[test]
    fn the_tolerance_window_is_checked_against_the_request_time() {
        let c = config(&[("TOLERANCE_SECONDS", "300")], true);
        let body = sample("deal.won");
        let header = sign("whsec_x", body);
        let (p, _) = plan(&c, body.as_bytes(), Some(&header), SAMPLE_AT_MS + 60_000);
        assert!(matches!(p, Plan::Enqueue(..)), "{p:?}");
        let (p, _) = plan(&c, body.as_bytes(), Some(&header), SAMPLE_AT_MS + 600_000);
        let Plan::Answer(reply) = p else {
            panic!("{p:?}")
        };
        assert_eq!(reply.body["error"], "timestamp_out_of_tolerance");
    }

    #[test]
    fn authentic_bodies_that_are_not_the_envelope_are_forwarded_marked() {
        let body = r#"{"event":"deal.won"}"#;
        let header = sign("whsec_x", body);
        let lenient = config(&[], true);
        let (p, warning) = plan(&lenient, body.as_bytes(), Some(&header), 7);
        assert!(warning.unwrap().contains("\"action\":\"forwarded\""));
        let Plan::Enqueue(incoming, _) = p else {
            panic!("{p:?}")
        };
        assert_eq!(
            incoming.envelope_problem.as_deref(),
            Some("invalid_envelope; field=timestamp")
        );
        let m = incoming.message("zapier", None, Some("k"));
        assert_eq!(
            m.forwarded(1).envelope_problem,
            incoming.envelope_problem.as_deref()
        );

        let strict = config(&[("STRICT_ENVELOPE", "true")], true);
        let (p, warning) = plan(&strict, body.as_bytes(), Some(&header), 7);
        assert!(warning.unwrap().contains("\"action\":\"refused\""));
        assert!(
            matches!(p, Plan::Answer(Reply { status: 400, .. })),
            "{p:?}"
        );

        // No event name: only `*` routes take it.
        let body = r#"{"ping":true}"#;
        let (p, _) = plan(&lenient, body.as_bytes(), Some(&sign("whsec_x", body)), 7);
        let Plan::Unrouted { incoming, reply } = p else {
            panic!("{p:?}")
        };
        assert_eq!((incoming.event_name(), reply.status), ("", 200));
        assert!(incoming.receipt(&[]).destinations.is_empty());
    }

    #[test]
    fn direct_mode_forwards_only_under_its_claim() {
        let forward = DirectStep::Forward {
            generation: 2,
            attempt: 3,
        };
        assert_eq!(
            direct_step(Some(Claim::Forward {
                generation: 2,
                attempt: 3
            })),
            forward
        );
        assert_eq!(
            direct_step(None),
            DirectStep::Forward {
                generation: 0,
                attempt: 1
            }
        );
        assert_eq!(
            direct_step(Some(Claim::Done(State::Delivered))),
            DirectStep::Skip(DestinationOutcome::Duplicate)
        );
        assert_eq!(
            direct_step(Some(Claim::Keep { generation: 1 })),
            DirectStep::Bury
        );
        for busy in [Claim::Wait { seconds: 5 }, Claim::Done(State::Dead)] {
            assert_eq!(
                direct_step(Some(busy)),
                DirectStep::Skip(DestinationOutcome::InProgress)
            );
        }
    }
}
