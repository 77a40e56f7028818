//! `POST {WEBHOOK_PATH}`: reads the body, asks `crate::receive` what to do with it, and does
//! it: enqueue (queue mode), forward (direct mode), record an unrouted delivery, or answer.

use std::time::Duration;

use futures_util::future::join_all;
use futures_util::StreamExt;
use worker::{BatchMessageBuilder, Context, Env, Method, Request};

use super::{bodies, forward, ledger, log_line, now_ms, DELIVERIES};
use crate::config::Config;
use crate::ledger::{after_claim, claim_until, direct_settlement, Receipt};
use crate::log::AttemptLog;
use crate::message::{inline_body, keys, Delivery};
use crate::receive::{direct_step, plan, DirectStep, Incoming, Plan};
use crate::responses::{self, DestinationOutcome, DestinationResult, EdgeError, Reply};
use crate::retry::{decide, DeadReason};
use crate::routes::Destination;
use atlasbrokers_webhooks::{Error, HEADER_NAME};

pub(crate) async fn handle(mut req: Request, env: &Env, ctx: &Context, config: &Config) -> Reply {
    if req.method() != Method::Post {
        return responses::rejected(&Error::MethodNotAllowed);
    }
    let body = match read_body(&mut req, config.max_body_bytes).await {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let header = req.headers().get(HEADER_NAME).ok().flatten();
    let (plan, warning) = plan(config, &body, header.as_deref(), now_ms());
    if let Some(line) = warning {
        log_line(&line);
    }
    match plan {
        Plan::Answer(reply) => reply,
        Plan::Unrouted { incoming, reply } => {
            // Recorded all the same: the operator can see it arrived and that no route takes it.
            record_later(env, ctx, incoming.receipt(&[]));
            reply
        }
        Plan::Enqueue(incoming, targets) => enqueue(env, config, &incoming, &body, &targets).await,
        Plan::Direct(incoming, targets) => {
            let results = direct(env, config, &incoming, &body, &targets).await;
            responses::direct(&incoming.id, &results, incoming.problem.as_ref())
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

/// Records an unrouted delivery in the ledger after the answer, so the operator sees it came.
/// (A routed one is recorded by its consumer: in queue mode nothing authentic waits on the
/// ledger or fails with it.)
fn record_later(env: &Env, ctx: &Context, receipt: Receipt) {
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
    incoming: &Incoming,
    body: &[u8],
    targets: &[&Destination],
) -> Reply {
    let inline = inline_body(body);
    let body_key = match inline {
        Some(_) => None,
        None => {
            let key = keys::in_flight(&incoming.id, incoming.received_at);
            let stored = match bodies::store(env) {
                Some(kv) => bodies::put(&kv, &key, body, config.body_ttl_seconds).await,
                None => false,
            };
            if !stored {
                return EdgeError::StorageUnavailable.reply();
            }
            Some(key)
        }
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
    incoming.accepted(targets)
}

/// Direct mode: records the receipt, then forwards during the request through the same claim
/// as the queue consumer, so concurrent identical posts reach each destination once and a
/// Replay reaches only the destinations that do not have it.
async fn direct(
    env: &Env,
    config: &Config,
    incoming: &Incoming,
    body: &[u8],
    targets: &[&Destination],
) -> Vec<DestinationResult> {
    let db = ledger::open(env);
    if let Some(db) = &db {
        let _ = ledger::receive(db, &incoming.receipt(targets)).await;
    }
    // In parallel, each within the per-attempt timeout and all within the request's budget.
    let timeout = config.forward_timeout.min(config.direct_budget);
    let sends = targets.iter().map(|destination| {
        let message = incoming.message(&destination.name, None, None);
        direct_one(db.as_ref(), config, message, body, destination, timeout)
    });
    join_all(sends).await
}

/// One destination in direct mode: claim, forward once, record.
async fn direct_one(
    db: Option<&ledger::Db>,
    config: &Config,
    message: Delivery,
    body: &[u8],
    destination: &Destination,
    timeout: Duration,
) -> DestinationResult {
    let token = super::claim_token();
    let now = now_ms();
    let claim = match db {
        Some(db) => {
            let until = claim_until(now, timeout.as_millis() as u64);
            ledger::claim(db, &message, &token, until, now)
                .await
                .ok()
                .flatten()
        }
        None => None,
    };
    let claim = claim.map(|row| after_claim(message.position(), &row, &token, now));
    let (generation, attempt) = match direct_step(claim) {
        DirectStep::Forward {
            generation,
            attempt,
        } => (generation, attempt),
        DirectStep::Skip(outcome) => {
            return DestinationResult::not_sent(&destination.name, outcome)
        }
        DirectStep::Bury => {
            if let Some(db) = db {
                let _ = ledger::bury(db, &message, DeadReason::DirectFailed, None, now).await;
            }
            return DestinationResult::not_sent(&destination.name, DestinationOutcome::Paused);
        }
    };
    let forwarded = message.forwarded(attempt);
    let (outcome, latency_ms) = forward::send(&destination.url, body, &forwarded, timeout).await;
    let decision = decide(&outcome, 1, &config.retry, now_ms(), 0.0);
    let settlement = direct_settlement(&decision);
    if let Some(db) = db {
        let record = ledger::AttemptRecord {
            generation,
            attempt,
            started_at: now,
            latency_ms,
            outcome: &outcome,
        };
        let settle = ledger::settle(
            db,
            &message,
            &token,
            Some(&record),
            &settlement,
            None,
            now_ms(),
        );
        let _ = settle.await;
    }
    let next = settlement.next;
    super::log(&AttemptLog::new(
        &message, attempt, &outcome, latency_ms, next, None,
    ));
    DestinationResult::new(&destination.name, &outcome)
}
