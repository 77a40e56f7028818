//! `POST {WEBHOOK_PATH}`: authenticate, read the envelope, route, then enqueue (queue mode) or
//! forward (direct mode). After the signature verified, nothing is refused for its shape
//! (unless STRICT_ENVELOPE): an authentic delivery refused here would be lost for good.

use std::time::Duration;

use atlasbrokers_webhooks::Error;
use futures_util::future::join_all;
use futures_util::StreamExt;
use worker::{BatchMessageBuilder, Env, Method, Request};

use super::forward;
use super::{deliver, now_ms, DELIVERIES, STATE};
use crate::config::{Config, Mode};
use crate::headers::{self, Forwarded};
use crate::log::{AttemptLog, EnvelopeWarning};
use crate::message::{keys, Delivery, INLINE_BODY_MAX};
use crate::responses::{self, DestinationResult, EdgeError, Reply};
use crate::retry::{decide, Decision};
use crate::routes::{destinations_for, Destination};

pub(crate) async fn handle(mut req: Request, env: &Env, config: &Config) -> Reply {
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
    let (event, problem) = match authentic.summary() {
        Ok(summary) => {
            // wasm has no clock of its own: the tolerance window is checked against the
            // request time.
            let webhook = webhook
                .clone()
                .with_received_at(std::time::UNIX_EPOCH + Duration::from_millis(received_at));
            if let Err(error) = webhook.check_timestamp(summary.timestamp()) {
                return responses::rejected(&error);
            }
            (Some(summary.event().to_owned()), None)
        }
        // Authentic but not the envelope we expect: AtlasBrokers will not send it again, so
        // it is forwarded, marked, and counted, unless the operator asked for the old 400.
        Err(error) => {
            deliver::log_line(&EnvelopeWarning::new(&id, &error, config.strict_envelope).line());
            if let Ok(kv) = env.kv(STATE) {
                deliver::count_envelope_problem(&kv, &error, received_at).await;
            }
            if config.strict_envelope {
                return responses::rejected(&error);
            }
            (authentic.event().map(|e| e.into_owned()), Some(error))
        }
    };
    // Only now: an unauthenticated caller learns nothing about the configuration.
    if !config.problems.is_empty() {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    }
    let targets = destinations_for(&config.destinations, event.as_deref());
    if targets.is_empty() {
        return responses::unrouted(&id, event.as_deref(), problem.as_ref());
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

    let envelope_problem = problem.as_ref().map(headers::envelope_problem);
    let incoming = Incoming {
        event: event.as_deref().unwrap_or(""),
        id: &id,
        body: &body,
        signature: &authentic.signature(),
        received_at,
        envelope_problem: envelope_problem.as_deref(),
    };
    match config.mode {
        Mode::Queue => enqueue(env, config, &incoming, &pending, problem.as_ref()).await,
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

/// A verified delivery on its way to the destinations that still need it.
struct Incoming<'a> {
    event: &'a str,
    /// The idempotency key.
    id: &'a str,
    body: &'a [u8],
    /// The signature that verified, lowercase hex.
    signature: &'a str,
    received_at: u64,
    envelope_problem: Option<&'a str>,
}

async fn enqueue(
    env: &Env,
    config: &Config,
    incoming: &Incoming<'_>,
    pending: &[&Destination],
    problem: Option<&Error>,
) -> Reply {
    let Incoming {
        event,
        id,
        body,
        signature,
        received_at,
        envelope_problem,
    } = *incoming;
    // Queue messages are JSON, so the body travels as text. An authentic body that is not
    // UTF-8 (it is not JSON either) travels through KV, which holds any bytes.
    let text = std::str::from_utf8(body).ok();
    let (inline, body_key) = if text.is_none() || body.len() > INLINE_BODY_MAX {
        let key = keys::body(id);
        let stored = match env.kv(STATE) {
            Ok(kv) => match kv.put_bytes(&key, body) {
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
        (text.map(str::to_owned), None)
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
            envelope_problem: envelope_problem.map(str::to_owned),
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
    responses::accepted(id, &names, problem)
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
        envelope_problem,
        ..
    } = *incoming;
    // In parallel, each within the per-attempt timeout and all within the request's budget.
    let timeout = config.forward_timeout.min(config.direct_budget);
    let sends = pending.iter().map(|destination| async move {
        let (outcome, latency_ms) = forward::send(
            &destination.url,
            body,
            &Forwarded {
                event,
                delivery_id: id,
                attempt: 1,
                signature,
                envelope_problem,
            },
            timeout,
        )
        .await;
        let decision = decide(&outcome, 1, &config.retry, now_ms(), 0.0);
        let delivered = decision == Decision::Delivered;
        if let Ok(kv) = env.kv(STATE) {
            if delivered {
                deliver::mark_acked(&kv, &destination.name, id, config.dedup_ttl_seconds).await;
            } else if decision == Decision::Gone {
                // No queue to keep it in: AtlasBrokers gets the 502 (Replay sends it again),
                // and /healthz tells the operator the hook is gone.
                deliver::mark_gone(&kv, &destination.name, id).await;
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
