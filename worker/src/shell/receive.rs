//! `POST {WEBHOOK_PATH}`: verify, route, then enqueue (queue mode) or forward (direct mode).

use std::time::Duration;

use atlasbrokers_webhooks::Error;
use futures_util::future::join_all;
use worker::{BatchMessageBuilder, Env, Method, Request};

use super::forward::{self, Forward};
use super::{deliver, now_ms, DELIVERIES, STATE};
use crate::config::{Config, Mode};
use crate::log::AttemptLog;
use crate::message::{keys, Delivery, INLINE_BODY_MAX};
use crate::responses::{self, DestinationResult, EdgeError, Reply};
use crate::routes::{destinations_for, Destination};

pub(crate) async fn handle(mut req: Request, env: &Env, config: &Config) -> Reply {
    if req.method() != Method::Post {
        return responses::rejected(&Error::MethodNotAllowed);
    }
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(size) = declared.filter(|size| *size > config.max_body_bytes) {
        return responses::rejected(&Error::BodyTooLarge {
            size,
            max: config.max_body_bytes,
        });
    }
    let Ok(body) = req.bytes().await else {
        return EdgeError::StorageUnavailable.reply();
    };
    let Some(webhook) = &config.webhook else {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    };
    let received_at = now_ms();
    let header = req.headers().get("x-webhook-secret").ok().flatten();
    // wasm has no clock of its own: the tolerance window is checked against the request time.
    let webhook = webhook
        .clone()
        .with_received_at(std::time::UNIX_EPOCH + Duration::from_millis(received_at));
    let summary = match webhook.verify_summary(&body, header.as_deref()) {
        Ok(summary) => summary,
        Err(error) => return responses::rejected(&error),
    };
    // Only now: an unauthenticated caller learns nothing about the configuration.
    if !config.problems.is_empty() {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    }
    let signature = header.unwrap_or_default().trim().to_owned();
    let id = summary.idempotency_key();
    let targets = destinations_for(&config.destinations, summary.event());
    if targets.is_empty() {
        return responses::unrouted(&id, summary.event());
    }

    // Replays: only destinations that have not acknowledged this delivery get it again.
    let kv = env.kv(STATE).ok();
    let mut pending = Vec::new();
    let mut already = Vec::new();
    for target in targets {
        match &kv {
            Some(kv) if deliver::is_acked(kv, &target.name, &id).await => already.push(target),
            _ => pending.push(target),
        }
    }
    if pending.is_empty() {
        return responses::duplicate(&id);
    }

    let incoming = Incoming {
        event: summary.event(),
        id: &id,
        body: &body,
        signature: &signature,
        received_at,
    };
    match config.mode {
        Mode::Queue => enqueue(env, config, &incoming, &pending).await,
        Mode::Direct => {
            let mut results: Vec<DestinationResult> = already
                .iter()
                .map(|d| DestinationResult {
                    destination: d.name.clone(),
                    outcome: "duplicate".into(),
                    status: None,
                })
                .collect();
            results.extend(direct(env, config, &incoming, &pending).await);
            responses::direct(&id, &results)
        }
    }
}

/// A verified delivery on its way to the destinations that still need it.
struct Incoming<'a> {
    event: &'a str,
    /// The idempotency key.
    id: &'a str,
    body: &'a [u8],
    signature: &'a str,
    received_at: u64,
}

async fn enqueue(
    env: &Env,
    config: &Config,
    incoming: &Incoming<'_>,
    pending: &[&Destination],
) -> Reply {
    let Incoming {
        event,
        id,
        body,
        signature,
        received_at,
    } = *incoming;
    // Verified JSON is valid UTF-8, so the text is the exact bytes.
    let Ok(text) = std::str::from_utf8(body) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let (inline, body_key) = if text.len() > INLINE_BODY_MAX {
        let key = keys::body(id);
        let stored = match env.kv(STATE) {
            Ok(kv) => match kv.put(&key, text) {
                Ok(put) => put
                    .expiration_ttl(config.dedup_ttl_seconds)
                    .execute()
                    .await
                    .is_ok(),
                Err(_) => false,
            },
            Err(_) => false,
        };
        if !stored {
            return EdgeError::StorageUnavailable.reply();
        }
        (None, Some(key))
    } else {
        (Some(text.to_owned()), None)
    };
    let messages: Vec<Delivery> = pending
        .iter()
        .map(|d| Delivery {
            id: id.to_owned(),
            event: event.to_owned(),
            destination: d.name.clone(),
            signature: signature.to_owned(),
            attempt: 1,
            body: inline.clone(),
            body_key: body_key.clone(),
            received_at_ms: received_at,
        })
        .collect();
    let Ok(queue) = env.queue(DELIVERIES) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let batch = BatchMessageBuilder::new().messages(messages).build();
    if queue.send_batch(batch).await.is_err() {
        return EdgeError::StorageUnavailable.reply();
    }
    let names: Vec<&str> = pending.iter().map(|d| d.name.as_str()).collect();
    responses::accepted(id, &names)
}

async fn direct(
    env: &Env,
    config: &Config,
    incoming: &Incoming<'_>,
    pending: &[&Destination],
) -> Vec<DestinationResult> {
    let Incoming {
        event,
        id,
        body,
        signature,
        ..
    } = *incoming;
    // In parallel, each within the per-attempt timeout and all within the request's budget.
    let timeout = config.forward_timeout.min(config.direct_budget);
    let sends = pending.iter().map(|destination| async move {
        let (outcome, latency_ms) = forward::send(
            &Forward {
                url: &destination.url,
                body,
                event,
                delivery_id: id,
                attempt: 1,
                signature,
            },
            timeout,
        )
        .await;
        let delivered = outcome.label() == "delivered";
        if delivered {
            if let Ok(kv) = env.kv(STATE) {
                deliver::mark_acked(&kv, &destination.name, id, config.dedup_ttl_seconds).await;
            }
        }
        deliver::log(&AttemptLog {
            delivery_id: id,
            event,
            destination: &destination.name,
            attempt: 1,
            status: outcome.status(),
            latency_ms,
            outcome: outcome.label(),
            next: if delivered { "done" } else { "replay" },
            retry_in_seconds: None,
        });
        DestinationResult::new(&destination.name, &outcome)
    });
    join_all(sends).await
}
