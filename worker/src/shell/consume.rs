//! The queue consumers: deliveries (forward, then retry or give up) and dead letters (record).

use futures_util::stream::{self, StreamExt};
use worker::{Env, Message, MessageBatch, MessageBuilder, MessageExt};

use worker::kv::KvStore;

use super::forward;
use super::{deliver, now_ms, DEAD_LETTERS, DELIVERIES, STATE};
use crate::config::Config;
use crate::headers::Forwarded;
use crate::log::AttemptLog;
use crate::message::{keys, DeadLetter, Delivery, Parked};
use crate::retry::{decide, Decision, Outcome};

/// workerd's limit of simultaneous outgoing connections per invocation.
const MAX_CONCURRENT_FORWARDS: usize = 6;

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
    // Two chains of one delivery to one destination (a Replay while retries are pending) that
    // come due together would both pass the acknowledgement check before either records it:
    // within a batch, the first one goes on and the others are merged into it.
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::with_capacity(messages.len());
    for message in &messages {
        let body = message.body();
        let key = match (body.get("destination"), body.get("id")) {
            (Some(d), Some(i)) => Some((d.to_string(), i.to_string())),
            _ => None,
        };
        if key.is_some_and(|key| !seen.insert(key)) {
            message.ack();
        } else {
            unique.push(message);
        }
    }
    stream::iter(unique.into_iter().map(|m| handle(m, env, config)))
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
    let body: Vec<u8> = match (&delivery.body, &delivery.body_key) {
        (Some(body), _) => body.as_bytes().to_vec(),
        (None, Some(key)) => match kv.get(key).bytes().await {
            Ok(Some(body)) => body,
            Ok(None) => return dead(env, &delivery, "body_expired", None).await,
            Err(_) => return false,
        },
        (None, None) => return dead(env, &delivery, "body_expired", None).await,
    };
    // A gone destination gets nothing until the operator resumes it; its deliveries wait.
    match deliver::gone_mark(&kv, &delivery.destination).await {
        Ok(Some(_)) => return keep(&kv, &delivery, &body, None).await,
        Ok(None) => {}
        Err(()) => return false,
    }

    let (outcome, latency_ms) = forward::send(
        &destination.url,
        &body,
        &Forwarded {
            event: &delivery.event,
            delivery_id: &delivery.id,
            attempt: delivery.attempt,
            signature: &delivery.signature,
            envelope_problem: delivery.envelope_problem.as_deref(),
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
            Decision::Gone => "kept",
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
        Decision::Gone => keep(&kv, &delivery, &body, Some(&delivery.id)).await,
        Decision::Dead { reason } => dead(env, &delivery, reason.as_str(), Some(&outcome)).await,
    }
}

/// Keeps a delivery for a gone destination (marking it gone first when this attempt found
/// out), with its body, for the operator's resume.
async fn keep(kv: &KvStore, delivery: &Delivery, body: &[u8], found_gone: Option<&str>) -> bool {
    if let Some(id) = found_gone {
        if !deliver::mark_gone(kv, &delivery.destination, id).await {
            return false;
        }
    }
    let kept = match std::str::from_utf8(body) {
        Ok(text) => parked(delivery, Some(text.to_owned()), None),
        // Not UTF-8 (an authentic non-JSON body): it stays in KV under its key (receive put it
        // there), now kept as long as the record.
        Err(_) => {
            if let Some(key) = &delivery.body_key {
                let stored = match kv.put_bytes(key, body) {
                    Ok(put) => put
                        .expiration_ttl(deliver::KEEP_TTL_SECONDS)
                        .execute()
                        .await
                        .is_ok(),
                    Err(_) => false,
                };
                if !stored {
                    return false;
                }
            }
            parked(delivery, None, delivery.body_key.clone())
        }
    };
    deliver::park(kv, &kept).await
}

fn parked(delivery: &Delivery, body: Option<String>, body_key: Option<String>) -> Parked {
    Parked {
        delivery: Delivery {
            attempt: 1,
            body,
            body_key,
            ..delivery.clone()
        },
        parked_at_ms: now_ms(),
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
            .expiration_ttl(deliver::KEEP_TTL_SECONDS)
            .execute()
            .await
            .is_ok(),
        Err(_) => false,
    }
}
