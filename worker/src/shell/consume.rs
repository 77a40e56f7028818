//! The queue consumers. Messages from the delivery queue are forwarded (claim, POST, settle);
//! messages from any other queue (the dead-letter queue Cloudflare moves a message to after
//! its own retries) are recorded as dead letters and never forwarded.

use futures_util::stream::{self, StreamExt};
use worker::{Env, Message, MessageBatch, MessageBuilder, MessageExt, QueueRetryOptionsBuilder};

use super::{bodies, forward, ledger, log, log_line, now_ms, DELIVERIES};
use crate::config::Config;
use crate::consume::{
    batch_claim_until, body_expired, lanes, step, storage_retry_seconds, Step,
    MAX_CONCURRENT_FORWARDS,
};
use crate::ledger::{settlement, ClaimRow};
use crate::log::AttemptLog;
use crate::message::Delivery;
use crate::retry::{decide, DeadReason, Decision};
use crate::routes::Destination;

/// What becomes of a message.
enum Done {
    Ack,
    /// Deliver it again after this many seconds (the queue's own retry: counts toward its
    /// `max_retries`, after which Cloudflare moves it to the dead-letter queue).
    Retry(u32),
}

/// Storage failed: the queue's retry, after a wait that grows with the message's age.
fn storage_retry(message: &Message<serde_json::Value>) -> Done {
    let age_ms = now_ms().saturating_sub(message.timestamp().as_millis());
    Done::Retry(storage_retry_seconds(age_ms))
}

pub(crate) async fn batch(
    batch: MessageBatch<serde_json::Value>,
    env: &Env,
    config: &Config,
) -> worker::Result<()> {
    let forwarding = batch.queue() == config.delivery_queue;
    let messages = batch.messages()?;
    let mut work = Vec::with_capacity(messages.len());
    for message in &messages {
        match Delivery::from_queue(message.body()) {
            Some(delivery) => work.push((message, delivery)),
            None => message.ack(),
        }
    }
    if !forwarding {
        for (message, delivery) in &work {
            let done = record_dead_letter(message, env, config, delivery).await;
            finish(message, done);
        }
        return Ok(());
    }
    // One claim for the whole batch: one round trip to the ledger, not one per message.
    let now = now_ms();
    let timeout_ms = config.forward_timeout.as_millis() as u64;
    let lanes = lanes(work.iter().map(|(_, d)| d.destination.as_str()));
    let until = batch_claim_until(now, &lanes, timeout_ms);
    let claims: Vec<(String, Option<ClaimRow>)> = {
        let tokens: Vec<String> = work.iter().map(|_| super::claim_token()).collect();
        let rows = match ledger::open(env) {
            Some(db) => {
                let pairs: Vec<(&Delivery, &str)> = work
                    .iter()
                    .zip(&tokens)
                    .map(|((_, d), t)| (d, t.as_str()))
                    .collect();
                ledger::claim_all(&db, &pairs, until, now).await.ok()
            }
            None => None,
        };
        match rows {
            Some(rows) => tokens.into_iter().zip(rows).collect(),
            None => tokens.into_iter().map(|t| (t, None)).collect(),
        }
    };
    // Lanes side by side, so one slow or failing destination never holds up another's
    // delivery, but no more at once than workerd's six simultaneous connections per invocation:
    // past that, requests wait for a slot, and a response stuck behind them times out after
    // reaching the destination, which would then get the retry as a duplicate. Within a lane,
    // one after another: a destination gets the batch in the order it was queued.
    let mut items: Vec<Option<_>> = work.into_iter().zip(claims).map(Some).collect();
    let lanes: Vec<Vec<_>> = lanes
        .iter()
        .map(|lane| lane.iter().filter_map(|&i| items[i].take()).collect())
        .collect();
    stream::iter(lanes.into_iter().map(|lane| async move {
        for ((message, delivery), (token, row)) in lane {
            let done = handle(message, env, config, delivery, &token, row, now).await;
            finish(message, done);
        }
    }))
    .buffer_unordered(MAX_CONCURRENT_FORWARDS)
    .collect::<Vec<()>>()
    .await;
    Ok(())
}

fn finish(message: &Message<serde_json::Value>, done: Done) {
    match done {
        Done::Ack => message.ack(),
        Done::Retry(seconds) => message.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(seconds)
                .build(),
        ),
    }
}

/// One message, after the batch's claim (`row`: the (delivery, destination) row as the claim
/// left it; `None` when the ledger failed).
async fn handle(
    message: &Message<serde_json::Value>,
    env: &Env,
    config: &Config,
    delivery: Delivery,
    token: &str,
    row: Option<ClaimRow>,
    now: u64,
) -> Done {
    match step(config, &delivery, row.as_ref(), token, now) {
        Step::Forward {
            destination,
            generation,
            attempt,
        } => {
            let held = Held {
                delivery: &delivery,
                token,
                generation,
                attempt,
            };
            attempt_and_record(message, env, config, destination, &held).await
        }
        Step::Bury(reason) => bury(message, env, &delivery, reason).await,
        Step::StorageRetry => storage_retry(message),
        Step::Ack => Done::Ack,
        Step::Retry(seconds) => Done::Retry(seconds),
        Step::Keep { generation } => keep(message, env, &delivery, generation).await,
    }
}

/// A message whose claim is ours, as this attempt of this generation.
struct Held<'a> {
    delivery: &'a Delivery,
    token: &'a str,
    generation: u32,
    attempt: u32,
}

/// Forwards it once, then records the outcome in the ledger (under the claim).
async fn attempt_and_record(
    message: &Message<serde_json::Value>,
    env: &Env,
    config: &Config,
    destination: &Destination,
    held: &Held<'_>,
) -> Done {
    let Held {
        delivery,
        token,
        generation,
        attempt,
    } = *held;
    let Some(db) = ledger::open(env) else {
        return storage_retry(message);
    };
    let body = match bodies::of(env, delivery).await {
        Ok(Some(body)) => body,
        Ok(None) => {
            let expired = body_expired(now_ms());
            let result = ledger::settle(&db, delivery, token, None, &expired, None, now_ms());
            return settled(message, result.await);
        }
        Err(()) => return storage_retry(message),
    };
    let started = now_ms();
    let forwarded = delivery.forwarded(attempt);
    let (outcome, latency_ms) =
        forward::send(&destination.url, &body, &forwarded, config.forward_timeout).await;
    let jitter = js_sys::Math::random();
    let decision = decide(&outcome, attempt, &config.retry, now_ms(), jitter);
    let settlement = settlement(&decision, now_ms());
    let retry_in = match decision {
        Decision::Retry { delay_seconds } => Some(delay_seconds),
        _ => None,
    };
    let next = settlement.next;
    log(&AttemptLog::new(
        delivery, attempt, &outcome, latency_ms, next, retry_in,
    ));
    let Ok(body_key) = prepare(env, held, &decision, &body).await else {
        return storage_retry(message);
    };
    let record = ledger::AttemptRecord {
        generation,
        attempt,
        started_at: started,
        latency_ms,
        outcome: &outcome,
    };
    let key = body_key.as_deref();
    let result = ledger::settle(
        &db,
        delivery,
        token,
        Some(&record),
        &settlement,
        key,
        now_ms(),
    );
    settled(message, result.await)
}

/// What must exist before the ledger records `decision`: the retry's message, or the body a
/// replay or resume will need (its key is returned).
async fn prepare(
    env: &Env,
    held: &Held<'_>,
    decision: &Decision,
    body: &[u8],
) -> Result<Option<String>, ()> {
    match *decision {
        Decision::Retry { delay_seconds } => {
            let retry = MessageBuilder::new(held.delivery.retry(held.generation, held.attempt))
                .delay_seconds(delay_seconds)
                .build();
            let queue = env.queue(DELIVERIES).map_err(|_| ())?;
            queue.send(retry).await.map_err(|_| ())?;
            Ok(None)
        }
        Decision::Gone | Decision::Dead { .. } => bodies::keep(env, &held.delivery.id, body)
            .await
            .map(Some)
            .ok_or(()),
        Decision::Delivered => Ok(None),
    }
}

/// Keeps a delivery for a paused destination: its body in KV first, then the row.
async fn keep(
    message: &Message<serde_json::Value>,
    env: &Env,
    delivery: &Delivery,
    generation: u32,
) -> Done {
    let Some(db) = ledger::open(env) else {
        return storage_retry(message);
    };
    // Kept only with its body (an expired one comes back, and ends as a dead letter).
    let Ok(Some(key)) = bodies::keep_of(env, delivery).await else {
        return storage_retry(message);
    };
    match ledger::keep(&db, delivery, generation, &key, now_ms()).await {
        Ok(()) => Done::Ack,
        Err(_) => storage_retry(message),
    }
}

/// After settling: `Ok(false)` means a consumer that outlived its claim was overtaken (the
/// one that took over records the outcome); an error leaves the claim to expire, and this
/// message comes back to take it over.
fn settled(message: &Message<serde_json::Value>, result: worker::Result<bool>) -> Done {
    match result {
        Ok(true) => Done::Ack,
        Ok(false) => {
            log_line(&crate::log::superseded(&message.id()));
            Done::Ack
        }
        Err(_) => storage_retry(message),
    }
}

/// Records a message as a dead letter (if it is the live one), its body kept for a replay.
async fn bury(
    message: &Message<serde_json::Value>,
    env: &Env,
    delivery: &Delivery,
    reason: DeadReason,
) -> Done {
    let Some(db) = ledger::open(env) else {
        return storage_retry(message);
    };
    // Nothing to keep (an expired large body): recorded all the same.
    let Ok(body_key) = bodies::keep_of(env, delivery).await else {
        return storage_retry(message);
    };
    match ledger::bury(&db, delivery, reason, body_key.as_deref(), now_ms()).await {
        Ok(_) => Done::Ack,
        Err(_) => storage_retry(message),
    }
}

/// A message from the dead-letter queue: Cloudflare gave up on it after the consumer failed to
/// settle it `max_retries` times. Recorded as a dead letter when it was the live one; never
/// forwarded from here.
async fn record_dead_letter(
    message: &Message<serde_json::Value>,
    env: &Env,
    config: &Config,
    delivery: &Delivery,
) -> Done {
    let done = bury(message, env, delivery, DeadReason::DeadLetterQueue).await;
    log_line(&crate::log::dead_letter_queue(
        &delivery.id,
        &delivery.destination,
        matches!(done, Done::Ack),
        &config.delivery_queue,
    ));
    done
}
