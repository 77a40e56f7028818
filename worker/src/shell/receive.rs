//! `POST {WEBHOOK_PATH}`: authenticate, read the envelope, route, then enqueue (queue mode) or
//! forward (direct mode). After the signature verified, nothing is refused for its shape
//! (unless STRICT_ENVELOPE): an authentic delivery refused here would be lost for good.

use std::time::Duration;

use atlasbrokers_webhooks::Error;
use futures_util::future::join_all;
use futures_util::StreamExt;
use worker::{BatchMessageBuilder, Context, Env, Method, Request};

use super::{bodies, forward, ledger, log_line, now_ms, DELIVERIES};
use crate::config::{Config, Mode};
use crate::headers::{self, Forwarded};
use crate::ledger::{after_claim, claim_until, direct_settlement, Claim, State};
use crate::log::{AttemptLog, EnvelopeWarning};
use crate::message::{keys, Delivery, INLINE_BODY_MAX};
use crate::responses::{self, DestinationOutcome, DestinationResult, EdgeError, Reply};
use crate::retry::{decide, DeadReason, Decision};
use crate::routes::{destinations_for, Destination};

pub(crate) async fn handle(mut req: Request, env: &Env, ctx: &Context, config: &Config) -> Reply {
    if req.method() != Method::Post {
        return responses::rejected(&Error::MethodNotAllowed);
    }
    let body = match read_body(&mut req, config.max_body_bytes).await {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(webhook) = &config.webhook else {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    };
    let received_at = now_ms();
    let header = req.headers().get("x-webhook-secret").ok().flatten();
    // The gate: the signature, and nothing else, decides whether this came from AtlasBrokers.
    let authentic = match webhook.authenticate(&body, header.as_deref()) {
        Ok(authentic) => authentic,
        Err(error) => return responses::rejected(&error),
    };
    let id = authentic.delivery_id();
    let (event, workspace, problem) = match authentic.summary() {
        Ok(summary) => {
            // wasm has no clock of its own: the tolerance window is checked against the
            // request time.
            let at = std::time::UNIX_EPOCH + Duration::from_millis(received_at);
            if let Err(error) = webhook.check_timestamp_at(summary.timestamp(), at) {
                return responses::rejected(&error);
            }
            (
                Some(summary.event().to_owned()),
                Some(summary.workspace_id().to_owned()),
                None,
            )
        }
        // Authentic but not the envelope we expect: AtlasBrokers will not send it again, so
        // it is forwarded, marked, and counted, unless the operator asked for the old 400.
        Err(error) => {
            log_line(&EnvelopeWarning::new(&id, &error, config.strict_envelope).line());
            if config.strict_envelope {
                return responses::rejected(&error);
            }
            (authentic.event().map(|e| e.into_owned()), None, Some(error))
        }
    };
    // Only now: an unauthenticated caller learns nothing about the configuration.
    if !config.problems.is_empty() {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    }
    let targets = destinations_for(&config.destinations, event.as_deref());
    let envelope_problem = problem.as_ref().map(headers::envelope_problem);
    let incoming = Incoming {
        event: event.as_deref().unwrap_or(""),
        workspace_id: workspace.as_deref(),
        id: &id,
        body: &body,
        signature: &authentic.signature(),
        received_at,
        envelope_problem: envelope_problem.as_deref(),
    };
    if targets.is_empty() {
        // Recorded all the same: the operator can see it arrived and that no route takes it.
        record_later(env, ctx, incoming.receipt(None, &[]));
        return responses::unrouted(&id, event.as_deref(), problem.as_ref());
    }
    match config.mode {
        Mode::Queue => enqueue(env, config, &incoming, &targets, problem.as_ref()).await,
        Mode::Direct => {
            let results = direct(env, config, &incoming, &targets).await;
            responses::direct(&id, &results, problem.as_ref())
        }
    }
}

/// The body, never read past `max` bytes: a declared oversize body is refused unread, and a
/// chunked one (no Content-Length) is refused as soon as it passes the limit, so a sender
/// cannot make the worker buffer more than `max` whatever the framing.
async fn read_body(req: &mut Request, max: usize) -> Result<Vec<u8>, Reply> {
    let too_large = |size: u64| responses::rejected(&Error::BodyTooLarge { size, max });
    // u64: Content-Length may exceed wasm32's usize.
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(size) if size > max as u64 => Err(too_large(size)),
        // The runtime enforces the declared length: one read, one copy.
        Some(_) => req
            .bytes()
            .await
            .map_err(|_| EdgeError::StorageUnavailable.reply()),
        None => {
            // No body at all is an empty one.
            let Ok(mut stream) = req.stream() else {
                return Ok(Vec::new());
            };
            let mut body = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|_| EdgeError::StorageUnavailable.reply())?;
                if body.len() + chunk.len() > max {
                    return Err(too_large((body.len() + chunk.len()) as u64));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        }
    }
}

/// A verified delivery on its way to its destinations.
struct Incoming<'a> {
    event: &'a str,
    workspace_id: Option<&'a str>,
    /// The idempotency key.
    id: &'a str,
    body: &'a [u8],
    /// The signature that verified, lowercase hex.
    signature: &'a str,
    received_at: u64,
    envelope_problem: Option<&'a str>,
}

impl Incoming<'_> {
    fn receipt(&self, body_key: Option<&str>, targets: &[&Destination]) -> ledger::Receipt {
        ledger::Receipt {
            id: self.id.to_owned(),
            event: self.event.to_owned(),
            workspace_id: self.workspace_id.map(str::to_owned),
            received_at: self.received_at,
            size: self.body.len() as u64,
            signature: self.signature.to_owned(),
            body_key: body_key.map(str::to_owned),
            envelope_problem: self.envelope_problem.map(str::to_owned),
            destinations: targets.iter().map(|d| d.name.clone()).collect(),
        }
    }

    /// The queue message for `destination`: whatever attempt is due (the ledger decides).
    fn message(&self, destination: &str, inline: Option<&str>, body_key: Option<&str>) -> Delivery {
        Delivery {
            id: self.id.to_owned(),
            event: self.event.to_owned(),
            destination: destination.to_owned(),
            signature: self.signature.to_owned(),
            generation: 0,
            attempt: 0,
            body: inline.map(str::to_owned),
            body_key: body_key.map(str::to_owned),
            received_at_ms: self.received_at,
            workspace_id: self.workspace_id.map(str::to_owned),
            requested_at_ms: self.received_at,
            envelope_problem: self.envelope_problem.map(str::to_owned),
        }
    }
}

/// Records an unrouted delivery in the ledger after the answer, so the operator sees it came.
/// (A routed one is recorded by its consumer: in queue mode nothing authentic waits on the
/// ledger or fails with it.)
fn record_later(env: &Env, ctx: &Context, receipt: ledger::Receipt) {
    let env = env.clone();
    ctx.wait_until(async move {
        if let Some(db) = ledger::open(&env) {
            if ledger::receive(&db, &receipt).await.is_err() {
                log_line(&crate::log::receipt_not_recorded(&receipt.id));
            }
        }
    });
}

async fn enqueue(
    env: &Env,
    config: &Config,
    incoming: &Incoming<'_>,
    targets: &[&Destination],
    problem: Option<&Error>,
) -> Reply {
    // Queue messages are JSON, so the body travels as text. An authentic body that is not
    // UTF-8 (it is not JSON either) travels through KV, which holds any bytes.
    let body = incoming.body;
    let text = std::str::from_utf8(body).ok();
    let (inline, body_key) = if text.is_none() || body.len() > INLINE_BODY_MAX {
        let key = keys::body(incoming.id);
        let stored = match bodies::store(env) {
            Some(kv) => bodies::put(&kv, &key, body, config.body_ttl_seconds).await,
            None => false,
        };
        if !stored {
            return EdgeError::StorageUnavailable.reply();
        }
        (None, Some(key))
    } else {
        (text, None)
    };
    // One message per routed destination; a destination that already has this delivery (a
    // Replay) is skipped by the consumer's claim, not here.
    let messages: Vec<Delivery> = targets
        .iter()
        .map(|d| incoming.message(&d.name, inline, body_key.as_deref()))
        .collect();
    let Ok(queue) = env.queue(DELIVERIES) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let batch = BatchMessageBuilder::new().messages(messages).build();
    if queue.send_batch(batch).await.is_err() {
        return EdgeError::StorageUnavailable.reply();
    }
    let names: Vec<&str> = targets.iter().map(|d| d.name.as_str()).collect();
    responses::accepted(incoming.id, &names, problem)
}

/// Direct mode: records the receipt, then forwards during the request through the same claim
/// as the queue consumer, so concurrent identical posts reach each destination once and a
/// Replay reaches only the destinations that do not have it.
async fn direct(
    env: &Env,
    config: &Config,
    incoming: &Incoming<'_>,
    targets: &[&Destination],
) -> Vec<DestinationResult> {
    let db = ledger::open(env);
    if let Some(db) = &db {
        let _ = ledger::receive(db, &incoming.receipt(None, targets)).await;
    }
    // In parallel, each within the per-attempt timeout and all within the request's budget.
    let timeout = config.forward_timeout.min(config.direct_budget);
    let sends = targets.iter().map(|destination| {
        let db = db.as_ref();
        async move {
            let result = |outcome| DestinationResult::not_sent(&destination.name, outcome);
            let message = incoming.message(&destination.name, None, None);
            let token = super::claim_token();
            let now = now_ms();
            let until = claim_until(now, timeout.as_millis() as u64);
            let claim = match db {
                Some(db) => ledger::claim(db, &message, &token, until, now)
                    .await
                    .ok()
                    .flatten(),
                None => None,
            };
            // Without the ledger, forward anyway: AtlasBrokers is waiting, and a lost
            // delivery is worse than a rare duplicate.
            let (generation, attempt) =
                match claim.map(|row| after_claim(message.position(), &row, &token, now)) {
                    Some(Claim::Forward {
                        generation,
                        attempt,
                    }) => (generation, attempt),
                    None => (0, 1),
                    Some(Claim::Done(State::Delivered)) => {
                        return result(DestinationOutcome::Duplicate)
                    }
                    Some(Claim::Keep { .. }) => {
                        if let Some(db) = db {
                            let _ = ledger::bury(db, &message, DeadReason::DirectFailed, None, now)
                                .await;
                        }
                        return result(DestinationOutcome::Paused);
                    }
                    Some(Claim::Wait { .. } | Claim::Done(_)) => {
                        return result(DestinationOutcome::InProgress)
                    }
                };
            let (outcome, latency_ms) = forward::send(
                &destination.url,
                incoming.body,
                &Forwarded {
                    event: incoming.event,
                    delivery_id: incoming.id,
                    attempt,
                    signature: incoming.signature,
                    envelope_problem: incoming.envelope_problem,
                },
                timeout,
            )
            .await;
            let decision = decide(&outcome, 1, &config.retry, now_ms(), 0.0);
            let settlement = direct_settlement(&decision);
            if let Some(db) = db {
                let record = ledger::AttemptRecord {
                    generation,
                    attempt,
                    started_at: now,
                    latency_ms,
                    status: outcome.status(),
                    outcome: outcome.kind(),
                };
                let _ = ledger::settle(
                    db,
                    &message,
                    &token,
                    Some(&record),
                    &settlement,
                    None,
                    now_ms(),
                )
                .await;
                if decision == Decision::Gone {
                    // No queue to keep it in: AtlasBrokers gets the 502 (Replay sends it
                    // again), and /healthz tells the operator the hook is gone.
                    let binds = [
                        ledger::text(&destination.name),
                        ledger::int(now_ms()),
                        ledger::text(incoming.id),
                    ];
                    let _ = ledger::run(db, crate::ledger::PAUSE_GONE, &binds).await;
                }
            }
            super::log(&AttemptLog {
                delivery_id: incoming.id,
                event: incoming.event,
                destination: &destination.name,
                attempt,
                status: outcome.status(),
                latency_ms,
                outcome: outcome.kind(),
                next: settlement.next,
                retry_in_seconds: None,
            });
            DestinationResult::new(&destination.name, &outcome)
        }
    });
    join_all(sends).await
}
