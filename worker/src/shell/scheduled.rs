//! The Cron Trigger: prunes the ledger and KV as `crate::retention` decides, step by step
//! within the run's budget, and logs one line of counts.

use futures_util::future::join_all;
use wasm_bindgen::JsValue;
use worker::Env;

use super::{bodies, ledger, load_config, log_line, now_ms};
use crate::retention::{self, BodyRow, Cutoffs, Run, Step};

pub(crate) async fn run(env: &Env) {
    let config = load_config(env);
    let days = config.ledger_retention_days;
    let started = now_ms();
    let cutoffs = retention::cutoffs(started, days, config.body_ttl_seconds);
    let mut run = Run::new(started);
    let db = ledger::open(env);
    for step in Step::ALL.into_iter().filter(|s| cutoffs.applies(*s)) {
        while run.go_on(step, now_ms()) {
            let Some(db) = &db else {
                run.fail(step);
                break;
            };
            match round(db, env, step, &cutoffs).await {
                Ok((found, removed)) => run.record(step, found, removed),
                Err(_) => run.fail(step),
            }
        }
    }
    log_line(&run.line(now_ms(), days));
}

/// One statement of `step` (bodies: a batch of them deleted from KV, then forgotten): how many
/// rows it found and how many it removed.
async fn round(
    db: &ledger::Db,
    env: &Env,
    step: Step,
    cutoffs: &Cutoffs,
) -> worker::Result<(u64, u64)> {
    let Some((sql, values)) = retention::statement(step, cutoffs) else {
        return Ok((0, 0));
    };
    let binds: Vec<JsValue> = values.into_iter().map(ledger::int).collect();
    if step == Step::Bodies {
        let rows: Vec<BodyRow> = ledger::rows_of(db, sql, &binds).await?;
        return delete_bodies(db, env, &rows).await;
    }
    let result = ledger::stmt(db, sql, &binds)?.run().await?;
    let removed = result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u64;
    Ok((removed, removed))
}

/// Deletes these bodies from KV, then forgets the ones deleted. A body whose delete failed
/// keeps its key, and is tried again next time.
async fn delete_bodies(db: &ledger::Db, env: &Env, rows: &[BodyRow]) -> worker::Result<(u64, u64)> {
    let found = rows.len() as u64;
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let kv = bodies::store(env).ok_or_else(|| worker::Error::RustError("no STATE KV".into()))?;
    let deletes = rows
        .iter()
        .filter(|row| retention::is_body_of(row))
        .map(|row| async {
            kv.delete(&row.body_key)
                .await
                .is_ok()
                .then_some(row.id.as_str())
        });
    let deleted: Vec<&str> = join_all(deletes).await.into_iter().flatten().collect();
    if deleted.is_empty() {
        return Err(worker::Error::RustError("no body could be deleted".into()));
    }
    let ids = serde_json::to_string(&deleted)?;
    ledger::run(db, retention::FORGET_BODIES, &[ledger::text(&ids)]).await?;
    Ok((found, deleted.len() as u64))
}
