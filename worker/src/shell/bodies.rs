//! Bodies in KV: those too large (or not UTF-8) for a queue message while in flight, and the
//! bodies of dead letters and kept deliveries, which a replay or resume sends again. The
//! ledger holds no payload contents; these entries do (customer PII), and expire.

use worker::kv::KvStore;
use worker::Env;

use super::STATE;
use crate::message::{keys, Delivery};

/// Bodies of dead letters and kept deliveries live this long (documented in the README).
pub(crate) const KEEP_TTL_SECONDS: u64 = 30 * 86_400;

pub(crate) fn store(env: &Env) -> Option<KvStore> {
    env.kv(STATE).ok()
}

/// Stores `body` under `key` for `ttl_seconds`; returns whether it is stored.
pub(crate) async fn put(kv: &KvStore, key: &str, body: &[u8], ttl_seconds: u64) -> bool {
    match kv.put_bytes(key, body) {
        Ok(put) => put.expiration_ttl(ttl_seconds).execute().await.is_ok(),
        Err(_) => false,
    }
}

/// The body under `key`: `Ok(None)` when it expired, `Err` when KV failed.
pub(crate) async fn get(kv: &KvStore, key: &str) -> Result<Option<Vec<u8>>, ()> {
    kv.get(key).bytes().await.map_err(|_| ())
}

/// A message's body: inline, or from KV under its key. `Ok(None)` when it is gone (the KV
/// entry expired, or the message has neither), `Err` when KV failed (try again later).
pub(crate) async fn of(env: &Env, delivery: &Delivery) -> Result<Option<Vec<u8>>, ()> {
    match (&delivery.body, &delivery.body_key) {
        (Some(body), _) => Ok(Some(body.as_bytes().to_vec())),
        (None, Some(key)) => get(&store(env).ok_or(())?, key).await,
        (None, None) => Ok(None),
    }
}

/// Keeps a delivery's body for a replay (30 days from now); returns its key.
pub(crate) async fn keep(env: &Env, id: &str, body: &[u8]) -> Option<String> {
    let kv = store(env)?;
    let key = keys::body(id);
    put(&kv, &key, body, KEEP_TTL_SECONDS).await.then_some(key)
}

/// [`keep`] for a message's body, read as [`of`] reads it: its key, `Ok(None)` when the body
/// is gone (nothing to keep), `Err` when KV failed (try again later).
pub(crate) async fn keep_of(env: &Env, delivery: &Delivery) -> Result<Option<String>, ()> {
    match of(env, delivery).await? {
        Some(body) => keep(env, &delivery.id, &body).await.map(Some).ok_or(()),
        None => Ok(None),
    }
}
