//! The admin API, only when the ADMIN_TOKEN secret is set: the overview, deliveries and their
//! attempts, dead letters (list, replay one, replay all matching a filter), pausing and resuming
//! a destination, and test sends. Everything it shows comes from the ledger; a payload leaves KV
//! only toward a destination, or when the operator asks to see one (an audit line says so).
//! Failed sign-ins are counted per client in the ledger and limited (`crate::auth`).

use atlasbrokers_webhooks::{delivery_id, EventType};
use serde_json::json;
use worker::{Env, Method, Request};

use super::ledger::{self, int, rows, rows_of, stmt, text, Db};
use super::{bodies, forward, log_line, now_ms, DELIVERIES};
use crate::auth::{self, bearer_matches, Failures};
use crate::config::{Config, Mode};
use crate::filters::{self, parse_dead_letter_id, Filter, MAX_LIMIT};
use crate::headers::Forwarded;
use crate::ledger::{
    DeliveryIdRow, PauseRow, PausedRow, PayloadRow, State, EXPIRE_KEPT, KEPT_FOR, PAUSED, PAUSE_OF,
    PAUSE_OPERATOR, PAYLOAD_OF, RESTART, UNDO_RESTART, UNPAUSE,
};
use crate::message::replay_message;
use crate::responses::{self, DestinationResult, EdgeError, NotSent, Reply};
use crate::retry::DeadReason;
use crate::stats;

pub(crate) async fn handle(req: Request, env: &Env, config: &Config) -> Reply {
    // Without a token the admin API does not exist.
    let Some(token) = &config.admin_token else {
        return EdgeError::NotFound.reply();
    };
    let db = ledger::open(env);
    let header = |name| req.headers().get(name).ok().flatten();
    let client = auth::client_key(header("cf-connecting-ip").as_deref());
    // Before the token: a blocked client learns nothing, not even that it found the token.
    let failures = match &db {
        Some(db) => failures_of(db, &client).await,
        None => None,
    };
    let Some(failures) = failures else {
        // Fail open: the token still guards the API, only unthrottled; said in the log.
        log_line(auth::failures_not_counted());
        return if bearer_matches(header("authorization").as_deref(), token) {
            route(req, env, config, db).await
        } else {
            EdgeError::Unauthorized.reply()
        };
    };
    if let Some(seconds) = auth::blocked(failures.as_ref(), now_ms()) {
        return EdgeError::TooManyAttempts(seconds).reply();
    }
    let Some(db) = db else {
        return EdgeError::StorageUnavailable.reply();
    };
    let authorization = header("authorization");
    if !bearer_matches(authorization.as_deref(), token) {
        if auth::presented(authorization.as_deref()) {
            count_failure(&db, &client).await;
        }
        return EdgeError::Unauthorized.reply();
    }
    if failures.is_some() {
        let _ = ledger::run(&db, auth::CLEAR_FAILURES, &[text(&client)]).await;
    }
    route(req, env, config, Some(db)).await
}

/// The client's failed sign-ins: `Some(None)` when it has none, `None` when the ledger could
/// not say.
async fn failures_of(db: &Db, client: &str) -> Option<Option<Failures>> {
    rows_of::<Failures>(db, auth::FAILURES_OF, &[text(client)])
        .await
        .ok()
        .map(|rows| rows.into_iter().next())
}

/// Counts a failed sign-in (and forgets windows that ended); logs the one that blocks.
async fn count_failure(db: &Db, client: &str) {
    let now = now_ms();
    let window = auth::FAILURE_WINDOW_MS;
    let batch = || {
        Ok::<_, worker::Error>(vec![
            stmt(
                db,
                auth::COUNT_FAILURE,
                &[text(client), int(now), int(window)],
            )?,
            stmt(
                db,
                auth::FORGET_FAILURES,
                &[int(now.saturating_sub(window))],
            )?,
        ])
    };
    let counted = match batch() {
        Ok(batch) => db.batch(batch).await.ok(),
        Err(_) => None,
    };
    let after = counted
        .as_ref()
        .and_then(|results| results.first())
        .and_then(|first| first.results::<Failures>().ok())
        .and_then(|rows| rows.into_iter().next());
    match after {
        Some(after) if auth::just_blocked(&after) => {
            let seconds = auth::blocked(Some(&after), now).unwrap_or(0);
            log_line(&auth::sign_in_blocked(client, seconds));
        }
        Some(_) => {}
        None => log_line(auth::failures_not_counted()),
    }
}

/// An authorized request, to its endpoint.
async fn route(req: Request, env: &Env, config: &Config, db: Option<Db>) -> Reply {
    // From the raw URL: worker's Url parsing would link the `url` crate's IDNA tables
    // (~150 KB) into the upload. Filter values need no percent-decoding (names and numbers).
    let url = req.inner().url();
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let route = (req.method(), segments.as_slice());
    if let (Method::Post, ["admin", "test", destination]) = route {
        let event = crate::routes::query_param(&url, "event").unwrap_or("deal.won");
        return test_send(config, destination, event).await;
    }
    let Some(db) = db else {
        return EdgeError::StorageUnavailable.reply();
    };
    let filter = || filters::parse(query).map_err(|e| EdgeError::InvalidFilter(e).reply());
    let result = match route {
        (Method::Get, ["admin", "dead-letters"]) => match filter() {
            Ok(f) => dead_letters(&db, &f).await,
            Err(reply) => return reply,
        },
        (Method::Post, ["admin", "dead-letters", "replay"]) => match filter() {
            Ok(f) => {
                let dry_run = crate::routes::query_param(&url, "dryRun") == Some("true");
                replay_all(env, &db, config, &f, dry_run).await
            }
            Err(reply) => return reply,
        },
        (Method::Post, ["admin", "dead-letters", id, "replay"]) => {
            replay_one(env, &db, config, id).await
        }
        (Method::Get, ["admin", "deliveries"]) => match filter() {
            Ok(f) => deliveries(&db, &f).await,
            Err(reply) => return reply,
        },
        (Method::Get, ["admin", "overview"]) => overview(&db, config).await,
        (Method::Get, ["admin", "deliveries", id]) => delivery(&db, id).await,
        (Method::Get, ["admin", "deliveries", id, "payload"]) => payload(env, &db, id).await,
        (Method::Post, ["admin", "destinations", name, "pause"]) => pause(&db, config, name).await,
        (Method::Post, ["admin", "destinations", name, "resume"]) => {
            resume(env, &db, config, name).await
        }
        (Method::Post, ["admin", "upgrade", "kv"]) => Ok(super::upgrade::import(env, &db).await),
        _ => return EdgeError::NotFound.reply(),
    };
    result.unwrap_or_else(|e| {
        log_line(&crate::log::admin_storage_failed(&path, &e.to_string()));
        EdgeError::StorageUnavailable.reply()
    })
}

/// Rows as D1 gives them: objects already named as the API shows them (see `filters`).
type Rows = Vec<serde_json::Value>;

fn text_of<'a>(row: &'a serde_json::Value, key: &str) -> &'a str {
    row.get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

async fn dead_letters(db: &Db, filter: &Filter) -> worker::Result<Reply> {
    let (sql, binds) = filters::dead_letters(filter);
    let letters: Rows = rows(db, &sql, &binds).await?;
    Ok(responses::listing("deadLetters", json!(letters)))
}

async fn deliveries(db: &Db, filter: &Filter) -> worker::Result<Reply> {
    let (sql, binds) = filters::deliveries(filter);
    let list: Rows = rows(db, &sql, &binds).await?;
    let ids: Vec<&str> = list.iter().map(|d| text_of(d, "id")).collect();
    let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let targets: Rows = rows_of(db, filters::TARGETS_OF_DELIVERIES, &[text(&ids)]).await?;
    Ok(responses::deliveries(list, targets))
}

/// "Did Zapier get it?": one delivery, each destination's state, every attempt.
async fn delivery(db: &Db, id: &str) -> worker::Result<Reply> {
    if !is_delivery_id(id) {
        return Ok(EdgeError::UnknownDelivery.reply());
    }
    let results = db
        .batch(vec![
            ledger::stmt(db, filters::DELIVERY, &[text(id)])?,
            ledger::stmt(db, filters::TARGETS_OF_DELIVERY, &[text(id)])?,
            ledger::stmt(db, filters::ATTEMPTS_OF_DELIVERY, &[text(id)])?,
        ])
        .await?;
    let [found, targets, attempts] = results.as_slice() else {
        return Ok(EdgeError::StorageUnavailable.reply());
    };
    let Some(found) = found.results::<serde_json::Value>()?.into_iter().next() else {
        return Ok(EdgeError::UnknownDelivery.reply());
    };
    Ok(responses::delivery(
        found,
        json!(targets.results::<serde_json::Value>()?),
        json!(attempts.results::<serde_json::Value>()?),
    ))
}

/// The console's first screen, from one batch (see `crate::stats`).
async fn overview(db: &Db, config: &Config) -> worker::Result<Reply> {
    let now = now_ms();
    let windows = stats::windows(now);
    let names: Vec<&str> = config
        .destinations
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let names = serde_json::to_string(&names).unwrap_or_else(|_| "[]".into());
    let results = db
        .batch(vec![
            stmt(
                db,
                stats::LATENCY,
                &[
                    text(&names),
                    int(windows.day_start),
                    int(windows.hour_start),
                ],
            )?,
            stmt(db, stats::STATE_COUNTS, &[])?,
            stmt(db, stats::LAST_SUCCESS, &[text(&names)])?,
            stmt(db, stats::PER_MINUTE, &[int(windows.minutes_from)])?,
            stmt(db, PAUSED, &[])?,
        ])
        .await?;
    let [latency, counts, last_success, minutes, paused] = results.as_slice() else {
        return Ok(EdgeError::StorageUnavailable.reply());
    };
    let rows = stats::Rows {
        latency: latency.results()?,
        counts: counts.results()?,
        last_success: last_success.results()?,
        minutes: minutes.results()?,
        paused: paused.results::<PausedRow>()?,
    };
    Ok(responses::overview(stats::overview(
        config,
        crate::VERSION,
        now,
        &rows,
    )))
}

/// A delivery's body, shown because the operator asked (logged, without the body). Only
/// bodies in KV can be shown: those of dead letters, kept deliveries and large ones in flight.
async fn payload(env: &Env, db: &Db, id: &str) -> worker::Result<Reply> {
    if !is_delivery_id(id) {
        return Ok(EdgeError::UnknownDelivery.reply());
    }
    let Some(row) = rows_of::<PayloadRow>(db, PAYLOAD_OF, &[text(id)])
        .await?
        .into_iter()
        .next()
    else {
        return Ok(EdgeError::UnknownDelivery.reply());
    };
    let Some(key) = row.body_key else {
        return Ok(EdgeError::PayloadNotStored.reply());
    };
    let Some(kv) = bodies::store(env) else {
        return Ok(EdgeError::StorageUnavailable.reply());
    };
    match bodies::get(&kv, &key).await {
        Ok(Some(body)) => {
            log_line(&auth::payload_viewed(id, row.size));
            Ok(responses::payload(id, row.size, &body))
        }
        Ok(None) => Ok(EdgeError::PayloadNotStored.reply()),
        Err(()) => Ok(EdgeError::StorageUnavailable.reply()),
    }
}

/// Pauses a destination for the operator: from now on its deliveries are kept (queue mode) or
/// answered 502 `paused` (direct mode), until it is resumed. A pause already there stays.
async fn pause(db: &Db, config: &Config, name: &str) -> worker::Result<Reply> {
    if !config.destinations.iter().any(|d| d.name == name) {
        return Ok(EdgeError::UnknownDestination(name.to_owned()).reply());
    }
    let results = db
        .batch(vec![
            stmt(db, PAUSE_OPERATOR, &[text(name), int(now_ms())])?,
            stmt(db, PAUSE_OF, &[text(name)])?,
        ])
        .await?;
    let Some(pause) = results
        .get(1)
        .map(|r| r.results::<PauseRow>())
        .transpose()?
        .and_then(|rows| rows.into_iter().next())
    else {
        return Ok(EdgeError::StorageUnavailable.reply());
    };
    Ok(responses::paused(name, &pause.reason, pause.since))
}

fn is_delivery_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Sends a dead or kept (delivery, destination) again as a new generation: the ledger row
/// first (so the message is the live one), then the message; if the queue refuses it, the row
/// goes back to what it was.
async fn send_again(
    env: &Env,
    db: &Db,
    config: &Config,
    id: &str,
    destination: &str,
    from: State,
) -> Result<(), NotSent> {
    let queue = match (config.mode, env.queue(DELIVERIES)) {
        (Mode::Queue, Ok(queue)) => queue,
        // Direct mode keeps no bodies: AtlasBrokers' Replay sends it again.
        (Mode::Direct, _) => return Err(NotSent::BodyGone),
        _ => return Err(NotSent::Storage),
    };
    let stored = match ledger::stored(db, id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return Err(NotSent::Unknown),
        Err(_) => return Err(NotSent::Storage),
    };
    let Some(key) = stored.body_key.clone() else {
        return Err(NotSent::BodyGone);
    };
    let key: String = key;
    let kv = bodies::store(env).ok_or(NotSent::Storage)?;
    let body = match bodies::get(&kv, &key).await {
        Ok(Some(body)) => body,
        Ok(None) => return Err(NotSent::BodyGone),
        Err(()) => return Err(NotSent::Storage),
    };
    let message = replay_message(&stored, destination, &body, &key, now_ms());
    match ledger::restart(db, RESTART, id, destination, from, now_ms()).await {
        Ok(true) => {}
        Ok(false) => return Err(NotSent::Unknown),
        Err(_) => return Err(NotSent::Storage),
    }
    if queue.send(message).await.is_err() {
        let _ = ledger::restart(db, UNDO_RESTART, id, destination, from, now_ms()).await;
        return Err(NotSent::Storage);
    }
    Ok(())
}

async fn replay_one(env: &Env, db: &Db, config: &Config, id: &str) -> worker::Result<Reply> {
    let Some((delivery, destination)) = parse_dead_letter_id(id) else {
        return Ok(EdgeError::UnknownDeadLetter.reply());
    };
    let result = send_again(env, db, config, delivery, destination, State::Dead).await;
    Ok(responses::replayed(result, delivery, destination))
}

/// Every dead letter matching the filter (up to its `limit`, at most 500 a call: run it again
/// for more), oldest first so they arrive in the order they were received.
async fn replay_all(
    env: &Env,
    db: &Db,
    config: &Config,
    filter: &Filter,
    dry_run: bool,
) -> worker::Result<Reply> {
    let (sql, binds) = filters::dead_letters(filter);
    let mut letters: Rows = rows(db, &sql, &binds).await?;
    if dry_run {
        return Ok(responses::bulk_replay(letters.len(), 0, 0, true));
    }
    letters.reverse();
    let (mut replayed, mut failed) = (0, 0);
    for letter in &letters {
        let (id, destination) = (
            text_of(letter, "deliveryId"),
            text_of(letter, "destination"),
        );
        match send_again(env, db, config, id, destination, State::Dead).await {
            Ok(()) => replayed += 1,
            // Replayed meanwhile by someone else: not a failure.
            Err(NotSent::Unknown) => {}
            Err(_) => failed += 1,
        }
    }
    Ok(responses::bulk_replay(
        letters.len(),
        replayed,
        failed,
        false,
    ))
}

/// Lifts a destination's pause and queues every delivery kept for it again, oldest first,
/// each from its first attempt. A kept delivery stays kept until its message is queued, so an
/// interrupted resume loses nothing (run it again for the rest).
async fn resume(env: &Env, db: &Db, config: &Config, name: &str) -> worker::Result<Reply> {
    if !config.destinations.iter().any(|d| d.name == name) {
        return Ok(EdgeError::UnknownDestination(name.to_owned()).reply());
    }
    ledger::run(db, UNPAUSE, &[text(name)]).await?;
    let mut count = 0;
    loop {
        let kept = rows_of::<DeliveryIdRow>(db, KEPT_FOR, &[text(name), int(u64::from(MAX_LIMIT))])
            .await?;
        if kept.is_empty() {
            break;
        }
        let mut progressed = false;
        for row in &kept {
            match send_again(env, db, config, &row.delivery_id, name, State::Paused).await {
                Ok(()) => {
                    count += 1;
                    progressed = true;
                }
                Err(NotSent::Unknown) => progressed = true,
                Err(NotSent::BodyGone) => {
                    // Its body expired: it becomes a dead letter, recorded as such.
                    let binds = [
                        text(&row.delivery_id),
                        text(name),
                        int(now_ms()),
                        text(DeadReason::BodyExpired.as_str()),
                    ];
                    let _ = ledger::run(db, EXPIRE_KEPT, &binds).await;
                    progressed = true;
                }
                Err(NotSent::Storage) => return Ok(EdgeError::StorageUnavailable.reply()),
            }
        }
        if !progressed {
            break;
        }
    }
    Ok(responses::resuming(name, count))
}

/// Sends the catalog's sample of `event` to one destination, signed with the current secret,
/// so Zapier's "Test trigger" and Make's "Run once" learn the event's fields. Not recorded in
/// the ledger and not deduplicated.
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
    responses::test_sent(event, &DestinationResult::new(&target.name, &outcome))
}
