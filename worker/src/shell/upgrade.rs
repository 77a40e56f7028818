//! `POST /admin/upgrade/kv`: moves what version 0.2 kept in KV into the ledger, so an upgrade
//! loses nothing: dead letters (`dead:…`) and deliveries kept for a gone destination
//! (`parked:…`) become ledger rows with their bodies kept for a replay, and gone marks
//! (`gone:…`) become paused destinations. Each KV entry is deleted once its row is written, so
//! an interrupted import is finished by running it again.

use serde::de::DeserializeOwned;
use worker::kv::KvStore;
use worker::Env;

use super::ledger::{self, int, stmt, text, Db};
use super::{bodies, now_ms};
use crate::ledger::{State, IMPORT, IMPORT_GONE, SET_BODY_KEY};
use crate::message::{keys, Delivery, LegacyDeadLetter, LegacyGoneMark, LegacyParked};
use crate::responses::{self, EdgeError, Reply};
use crate::retry::DeadReason;

pub(crate) async fn import(env: &Env, db: &Db) -> Reply {
    let Some(kv) = bodies::store(env) else {
        return EdgeError::StorageUnavailable.reply();
    };
    let mut counts = [0usize; 3];
    for (i, prefix) in [keys::LEGACY_DEAD, keys::LEGACY_PARKED, keys::LEGACY_GONE]
        .into_iter()
        .enumerate()
    {
        let Ok(names) = list(&kv, prefix).await else {
            return EdgeError::StorageUnavailable.reply();
        };
        for name in names {
            let moved = match prefix {
                keys::LEGACY_DEAD => match read::<LegacyDeadLetter>(&kv, &name).await {
                    Some(letter) => {
                        let reason =
                            DeadReason::parse(&letter.reason).unwrap_or(DeadReason::Exhausted);
                        let last = (letter.last_status, letter.last_outcome.as_deref());
                        row(env, db, &letter.delivery, State::Dead, Some(reason), last).await
                    }
                    None => Ok(()),
                },
                keys::LEGACY_PARKED => match read::<LegacyParked>(&kv, &name).await {
                    Some(kept) => {
                        row(env, db, &kept.delivery, State::Paused, None, (None, None)).await
                    }
                    None => Ok(()),
                },
                _ => match read::<LegacyGoneMark>(&kv, &name).await {
                    Some(mark) => {
                        let destination = &name[keys::LEGACY_GONE.len()..];
                        gone(db, destination, &mark).await
                    }
                    None => Ok(()),
                },
            };
            if moved.is_err() {
                return EdgeError::StorageUnavailable.reply();
            }
            let _ = kv.delete(&name).await;
            counts[i] += 1;
        }
    }
    responses::imported(counts[0], counts[1], counts[2])
}

async fn list(kv: &KvStore, prefix: &str) -> Result<Vec<String>, ()> {
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let mut request = kv.list().prefix(prefix.to_owned());
        if let Some(c) = cursor.take() {
            request = request.cursor(c);
        }
        let page = request.execute().await.map_err(|_| ())?;
        names.extend(page.keys.into_iter().map(|k| k.name));
        if page.list_complete || page.cursor.is_none() {
            return Ok(names);
        }
        cursor = page.cursor;
    }
}

/// An entry that is not what 0.2 wrote is skipped (and left in KV).
async fn read<T: DeserializeOwned>(kv: &KvStore, name: &str) -> Option<T> {
    kv.get(name).json::<T>().await.ok().flatten()
}

async fn row(
    env: &Env,
    db: &Db,
    delivery: &Delivery,
    state: State,
    reason: Option<DeadReason>,
    (status, outcome): (Option<u16>, Option<&str>),
) -> Result<(), ()> {
    // The body, kept 30 days for a replay (an expired large body: recorded all the same).
    let key = bodies::keep_of(env, delivery).await?;
    let now = now_ms();
    let mut batch = ledger::ensure_rows(db, delivery, now).map_err(|_| ())?;
    if let Some(key) = &key {
        batch.push(stmt(db, SET_BODY_KEY, &[text(&delivery.id), text(key)]).map_err(|_| ())?);
    }
    let status = status.map_or(wasm_bindgen::JsValue::NULL, |s| int(u64::from(s)));
    let outcome = outcome.map_or(wasm_bindgen::JsValue::NULL, text);
    let reason = reason.map_or(wasm_bindgen::JsValue::NULL, |r| text(r.as_str()));
    batch.push(
        stmt(
            db,
            IMPORT,
            &[
                text(&delivery.id),
                text(&delivery.destination),
                text(state.as_str()),
                reason,
                status,
                outcome,
                int(u64::from(delivery.attempt.max(1))),
                int(now),
            ],
        )
        .map_err(|_| ())?,
    );
    db.batch(batch).await.map(|_| ()).map_err(|_| ())
}

async fn gone(db: &Db, destination: &str, mark: &LegacyGoneMark) -> Result<(), ()> {
    let binds = [
        text(destination),
        int(mark.since_ms),
        text(&mark.delivery_id),
    ];
    ledger::run(db, IMPORT_GONE, &binds)
        .await
        .map(|_| ())
        .map_err(|_| ())
}
