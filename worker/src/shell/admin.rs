//! The admin API, only when the ADMIN_TOKEN secret is set: dead letters, resuming a gone
//! destination, and test sends.

use atlasbrokers_webhooks::{delivery_id, EventType};
use serde_json::json;
use worker::{Env, Method, Request};

use super::{deliver, forward, DELIVERIES, STATE};
use crate::auth::bearer_matches;
use crate::config::{Config, Mode};
use crate::headers::Forwarded;
use crate::message::{keys, DeadLetter, Parked};
use crate::responses::{self, DestinationResult, EdgeError, Reply};

pub(crate) async fn handle(req: Request, env: &Env, config: &Config) -> Reply {
    // Without a token the admin API does not exist.
    let Some(token) = &config.admin_token else {
        return EdgeError::NotFound.reply();
    };
    let authorization = req.headers().get("authorization").ok().flatten();
    if !bearer_matches(authorization.as_deref(), token) {
        return EdgeError::Unauthorized.reply();
    }
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["admin", "dead-letters"]) => list(env).await,
        (Method::Post, ["admin", "dead-letters", id, "replay"]) => replay(env, config, id).await,
        (Method::Post, ["admin", "destinations", name, "resume"]) => {
            resume(env, config, name).await
        }
        (Method::Post, ["admin", "test", destination]) => {
            // From the raw URL: worker's Url parsing would link the `url` crate's IDNA
            // tables (~150 KB) into the upload. Event names need no percent-decoding.
            let url = req.inner().url();
            let event = crate::routes::query_param(&url, "event").unwrap_or("deal.won");
            test_send(config, destination, event).await
        }
        _ => EdgeError::NotFound.reply(),
    }
}

fn reply(status: u16, body: serde_json::Value) -> Reply {
    Reply {
        status,
        body,
        allow: None,
    }
}

async fn list(env: &Env) -> Reply {
    let Ok(kv) = env.kv(STATE) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let mut letters = Vec::new();
    let mut cursor = None;
    loop {
        let mut request = kv.list().prefix(keys::DEAD_PREFIX.to_owned());
        if let Some(c) = cursor.take() {
            request = request.cursor(c);
        }
        let Ok(page) = request.execute().await else {
            return EdgeError::StorageUnavailable.reply();
        };
        for key in page.keys {
            if let Ok(Some(letter)) = kv.get(&key.name).json::<DeadLetter>().await {
                letters.push(json!(letter.summary(&key.name)));
            }
        }
        if page.list_complete || page.cursor.is_none() {
            break;
        }
        cursor = page.cursor;
    }
    reply(200, json!({ "deadLetters": letters }))
}

/// Sends a dead letter again from its first attempt; the record goes once it is handed over.
async fn replay(env: &Env, config: &Config, id: &str) -> Reply {
    if !keys::is_dead(id) {
        return EdgeError::UnknownDeadLetter.reply();
    }
    let Ok(kv) = env.kv(STATE) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let letter = match kv.get(id).json::<DeadLetter>().await {
        Ok(Some(letter)) => letter,
        Ok(None) => return EdgeError::UnknownDeadLetter.reply(),
        Err(_) => return EdgeError::StorageUnavailable.reply(),
    };
    let delivery = crate::message::Delivery {
        attempt: 1,
        ..letter.delivery.clone()
    };
    let handed_over = match (config.mode, env.queue(DELIVERIES)) {
        (Mode::Queue, Ok(queue)) => queue.send(delivery.clone()).await.is_ok(),
        _ => false,
    };
    if !handed_over {
        return EdgeError::StorageUnavailable.reply();
    }
    let _ = kv.delete(id).await;
    reply(
        202,
        json!({
            "status": "replaying",
            "deliveryId": delivery.id,
            "destination": delivery.destination,
        }),
    )
}

/// Clears a destination's gone mark and queues every delivery kept for it again, oldest
/// first, each from its first attempt. A kept record goes once its message is queued, so an
/// interrupted resume loses nothing (run it again for the rest).
async fn resume(env: &Env, config: &Config, name: &str) -> Reply {
    if !config.destinations.iter().any(|d| d.name == name) {
        return EdgeError::UnknownDestination(name.to_owned()).reply();
    }
    let Ok(kv) = env.kv(STATE) else {
        return EdgeError::StorageUnavailable.reply();
    };
    if kv.delete(&keys::gone(name)).await.is_err() {
        return EdgeError::StorageUnavailable.reply();
    }
    let Ok(names) = deliver::parked_keys(&kv, name).await else {
        return EdgeError::StorageUnavailable.reply();
    };
    let mut kept = Vec::new();
    for key in names {
        if let Ok(Some(parked)) = kv.get(&key).json::<Parked>().await {
            kept.push((key, parked));
        }
    }
    kept.sort_by_key(|(_, p)| (p.delivery.received_at_ms, p.parked_at_ms));
    if kept.is_empty() {
        return responses::resuming(name, 0);
    }
    let queue = match (config.mode, env.queue(DELIVERIES)) {
        (Mode::Queue, Ok(queue)) => queue,
        _ => return EdgeError::StorageUnavailable.reply(),
    };
    let count = kept.len();
    for (key, parked) in kept {
        if queue.send(parked.delivery).await.is_err() {
            return EdgeError::StorageUnavailable.reply();
        }
        let _ = kv.delete(&key).await;
    }
    responses::resuming(name, count)
}

/// Sends the catalog's sample of `event` to one destination, signed with the current secret,
/// so Zapier's "Test trigger" and Make's "Run once" learn the event's fields. Not deduplicated.
async fn test_send(config: &Config, destination: &str, event: &str) -> Reply {
    let Some(target) = config.destinations.iter().find(|d| d.name == destination) else {
        return EdgeError::UnknownDestination(destination.to_owned()).reply();
    };
    let Some(event_type) = EventType::find(event) else {
        return EdgeError::UnknownEvent(event.to_owned()).reply();
    };
    let Some(webhook) = &config.webhook else {
        return EdgeError::InvalidConfig(config.problems.clone()).reply();
    };
    let body = event_type.sample_body;
    let (outcome, _) = forward::send(
        &target.url,
        body.as_bytes(),
        &Forwarded {
            event,
            delivery_id: &delivery_id(body),
            attempt: 1,
            signature: &webhook.sign(body),
            envelope_problem: None,
        },
        config.forward_timeout,
    )
    .await;
    let result = DestinationResult::new(&target.name, &outcome);
    let status = if result.ok() { 200 } else { 502 };
    reply(
        status,
        json!({ "status": if result.ok() { "sent" } else { "failed" }, "event": event, "destination": result }),
    )
}
