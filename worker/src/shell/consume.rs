//! The queue consumers: deliveries (forward, then retry or give up) and dead letters (record).

use futures_util::stream::{self, StreamExt};
use worker::{Env, Message, MessageBatch, MessageBuilder, MessageExt};

use super::forward::{self, Forward};
use super::{deliver, now_ms, DEAD_LETTERS, DELIVERIES, STATE};
use crate::config::Config;
use crate::log::AttemptLog;
use crate::message::{keys, DeadLetter, Delivery};
use crate::retry::{decide, Decision, Outcome};

/// workerd's limit of simultaneous outgoing connections per invocation.
const MAX_CONCURRENT_FORWARDS: usize = 6;

/// Dead letters are kept this long for the admin API.
const DEAD_LETTER_TTL_SECONDS: u64 = 30 * 86_400;

pub(crate) async fn batch(
    batch: MessageBatch<serde_json::Value>,
    env: &Env,
    config: &Config,
) -> worker::Result<()> {
    // Concurrently, so one slow or failing destination never holds up another's delivery, but
    // no more at once than workerd's six simultaneous connections per invocation: past that,
    // requests wait for a slot, and a response stuck behind them times out after reaching the
    // destination, which would then get the retry as a duplicate.
    let messages = batch.messages()?;
    stream::iter(messages.iter().map(|m| handle(m, env, config)))
        .buffer_unordered(MAX_CONCURRENT_FORWARDS)
        .collect::<Vec<()>>()
        .await;
    Ok(())
}

async fn handle(message: &Message<serde_json::Value>, env: &Env, config: &Config) {
    let body = message.body().clone();
    let done = if body.get("delivery").is_some() {
        match serde_json::from_value::<DeadLetter>(body) {
            Ok(letter) => record_dead_letter(env, &letter).await,
            Err(_) => true, // not ours: nothing to do with it
        }
    } else {
        match serde_json::from_value::<Delivery>(body) {
            Ok(delivery) => deliver(env, config, delivery).await,
            Err(_) => true,
        }
    };
    // `false`: storage failed before the outcome was safely recorded; let the queue retry.
    if done {
        message.ack();
    } else {
        message.retry();
    }
}

/// One attempt of one delivery to one destination. Returns whether the message is done with.
async fn deliver(env: &Env, config: &Config, delivery: Delivery) -> bool {
    let Ok(kv) = env.kv(STATE) else {
        return false;
    };
    if deliver::is_acked(&kv, &delivery.destination, &delivery.id).await {
        return true; // a replay raced an earlier delivery: already there
    }
    let Some(destination) = config
        .destinations
        .iter()
        .find(|d| d.name == delivery.destination)
    else {
        return dead(env, &delivery, "unknown_destination", None).await;
    };
    let body = match (&delivery.body, &delivery.body_key) {
        (Some(body), _) => body.clone(),
        (None, Some(key)) => match kv.get(key).text().await {
            Ok(Some(body)) => body,
            Ok(None) => return dead(env, &delivery, "body_expired", None).await,
            Err(_) => return false,
        },
        (None, None) => return dead(env, &delivery, "body_expired", None).await,
    };

    let (outcome, latency_ms) = forward::send(
        &Forward {
            url: &destination.url,
            body: body.as_bytes(),
            event: &delivery.event,
            delivery_id: &delivery.id,
            attempt: delivery.attempt,
            signature: &delivery.signature,
        },
        config.forward_timeout,
    )
    .await;
    let decision = decide(
        &outcome,
        delivery.attempt,
        &config.retry,
        now_ms(),
        js_sys::Math::random(),
    );
    deliver::log(&AttemptLog {
        delivery_id: &delivery.id,
        event: &delivery.event,
        destination: &delivery.destination,
        attempt: delivery.attempt,
        status: outcome.status(),
        latency_ms,
        outcome: outcome.label(),
        next: match decision {
            Decision::Delivered => "done",
            Decision::Retry { .. } => "retry",
            Decision::Dead { .. } => "dead",
        },
        retry_in_seconds: match decision {
            Decision::Retry { delay_seconds } => Some(delay_seconds),
            _ => None,
        },
    });
    match decision {
        Decision::Delivered => {
            deliver::mark_acked(
                &kv,
                &delivery.destination,
                &delivery.id,
                config.dedup_ttl_seconds,
            )
            .await;
            true
        }
        // The attempt count travels in the message, so a retry is a new message.
        Decision::Retry { delay_seconds } => match env.queue(DELIVERIES) {
            Ok(queue) => queue
                .send(
                    MessageBuilder::new(delivery.next_attempt())
                        .delay_seconds(delay_seconds)
                        .build(),
                )
                .await
                .is_ok(),
            Err(_) => false,
        },
        Decision::Dead { reason } => dead(env, &delivery, reason.as_str(), Some(&outcome)).await,
    }
}

/// Hands a delivery to the dead-letter queue (or records it directly when none is bound).
async fn dead(env: &Env, delivery: &Delivery, reason: &str, outcome: Option<&Outcome>) -> bool {
    let letter = DeadLetter {
        delivery: delivery.clone(),
        reason: reason.to_owned(),
        last_outcome: outcome.map_or("none", Outcome::label).to_owned(),
        last_status: outcome.and_then(Outcome::status),
        failed_at_ms: now_ms(),
    };
    match env.queue(DEAD_LETTERS) {
        Ok(queue) => queue.send(letter).await.is_ok(),
        Err(_) => record_dead_letter(env, &letter).await,
    }
}

async fn record_dead_letter(env: &Env, letter: &DeadLetter) -> bool {
    let Ok(kv) = env.kv(STATE) else {
        return false;
    };
    let key = keys::dead(
        letter.failed_at_ms,
        &letter.delivery.destination,
        &letter.delivery.id,
    );
    let Ok(json) = serde_json::to_string(letter) else {
        return true;
    };
    match kv.put(&key, json) {
        Ok(put) => put
            .expiration_ttl(DEAD_LETTER_TTL_SECONDS)
            .execute()
            .await
            .is_ok(),
        Err(_) => false,
    }
}
