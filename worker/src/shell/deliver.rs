//! What receiving, consuming and the admin API share: acknowledgement and gone marks, kept
//! deliveries and counters in KV, and log lines.

use atlasbrokers_webhooks::Error;
use worker::kv::KvStore;

use crate::log::AttemptLog;
use crate::message::{keys, EnvelopeProblems, GoneMark, Parked};

/// Kept deliveries and dead letters live this long (documented in the README).
pub(crate) const KEEP_TTL_SECONDS: u64 = 30 * 86_400;

/// Whether `destination` acknowledged delivery `id` (KV is eventually consistent: across
/// locations this is best effort, and a rare duplicate is possible).
pub(crate) async fn is_acked(kv: &KvStore, destination: &str, id: &str) -> bool {
    matches!(
        kv.get(&keys::acked(destination, id)).text().await,
        Ok(Some(_))
    )
}

pub(crate) async fn mark_acked(kv: &KvStore, destination: &str, id: &str, ttl_seconds: u64) {
    if let Ok(put) = kv.put(&keys::acked(destination, id), "1") {
        let _ = put.expiration_ttl(ttl_seconds).execute().await;
    }
}

/// The gone mark of `destination`, if it answered 410 and was not resumed since.
pub(crate) async fn gone_mark(kv: &KvStore, destination: &str) -> Result<Option<GoneMark>, ()> {
    kv.get(&keys::gone(destination))
        .json::<GoneMark>()
        .await
        .map_err(|_| ())
}

/// Marks `destination` gone (no expiry: only a resume clears it). The first 410 sets the time.
pub(crate) async fn mark_gone(kv: &KvStore, destination: &str, id: &str) -> bool {
    if let Ok(Some(_)) = gone_mark(kv, destination).await {
        return true;
    }
    let mark = GoneMark {
        since_ms: super::now_ms(),
        delivery_id: id.to_owned(),
    };
    let Ok(json) = serde_json::to_string(&mark) else {
        return false;
    };
    match kv.put(&keys::gone(destination), json) {
        Ok(put) => put.execute().await.is_ok(),
        Err(_) => false,
    }
}

/// Keeps a delivery for a gone destination, body included. Returns whether it is stored.
pub(crate) async fn park(kv: &KvStore, parked: &Parked) -> bool {
    let key = keys::parked(&parked.delivery.destination, &parked.delivery.id);
    let Ok(json) = serde_json::to_string(parked) else {
        return false;
    };
    match kv.put(&key, json) {
        Ok(put) => put.expiration_ttl(KEEP_TTL_SECONDS).execute().await.is_ok(),
        Err(_) => false,
    }
}

/// The keys of every delivery kept for `destination`.
pub(crate) async fn parked_keys(kv: &KvStore, destination: &str) -> Result<Vec<String>, ()> {
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let mut request = kv.list().prefix(keys::parked_prefix(destination));
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

/// Counts an authentic body that was not the expected envelope, for `/healthz`.
pub(crate) async fn count_envelope_problem(kv: &KvStore, error: &Error, at_ms: u64) {
    let mut stats = kv
        .get(keys::ENVELOPE_PROBLEMS)
        .json::<EnvelopeProblems>()
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    stats.count += 1;
    stats.last_at_ms = at_ms;
    stats.last_code = error.code().to_owned();
    stats.last_field = error.field().map(str::to_owned);
    if let Ok(json) = serde_json::to_string(&stats) {
        if let Ok(put) = kv.put(keys::ENVELOPE_PROBLEMS, json) {
            let _ = put.execute().await;
        }
    }
}

pub(crate) fn log(entry: &AttemptLog<'_>) {
    log_line(&entry.line());
}

pub(crate) fn log_line(line: &str) {
    worker::console_log!("{line}");
}
