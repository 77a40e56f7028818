//! What receiving and consuming share: acknowledgement marks in KV, and attempt logs.

use worker::kv::KvStore;

use crate::log::AttemptLog;
use crate::message::keys;

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

pub(crate) fn log(entry: &AttemptLog<'_>) {
    worker::console_log!("{}", entry.line());
}
