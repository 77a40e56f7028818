//! The ledger's I/O: runs the statements of `crate::ledger` and `crate::filters` against D1,
//! each operation one batch (one round trip, one transaction).

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::d1::{D1Database, D1PreparedStatement};
use worker::Env;

use crate::filters::Bind;
use crate::ledger::{self, ClaimRow, Receipt, Settlement, StoredDelivery};
use crate::message::Delivery;
use crate::retry::{DeadReason, Outcome};

pub(crate) type Db = D1Database;

pub(crate) fn open(env: &Env) -> Option<Db> {
    env.d1(ledger::BINDING).ok()
}

pub(crate) fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

/// D1 takes JavaScript numbers: exact up to 2^53, far beyond any time in milliseconds.
pub(crate) fn int(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

fn opt_int(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, int)
}

pub(crate) fn stmt(db: &Db, sql: &str, binds: &[JsValue]) -> worker::Result<D1PreparedStatement> {
    db.prepare(sql).bind(binds)
}

fn bound(db: &Db, sql: &str, binds: &[Bind]) -> worker::Result<D1PreparedStatement> {
    let values: Vec<JsValue> = binds
        .iter()
        .map(|b| match b {
            Bind::Text(t) => text(t),
            Bind::Int(n) => int(*n),
        })
        .collect();
    stmt(db, sql, &values)
}

/// Rows of one query with bound filter values.
pub(crate) async fn rows<T: DeserializeOwned>(
    db: &Db,
    sql: &str,
    binds: &[Bind],
) -> worker::Result<Vec<T>> {
    bound(db, sql, binds)?.all().await?.results::<T>()
}

pub(crate) async fn rows_of<T: DeserializeOwned>(
    db: &Db,
    sql: &str,
    binds: &[JsValue],
) -> worker::Result<Vec<T>> {
    stmt(db, sql, binds)?.all().await?.results::<T>()
}

fn changed(result: &worker::d1::D1Result) -> bool {
    matches!(result.meta(), Ok(Some(meta)) if meta.changes.unwrap_or(0) > 0)
}

/// Records a receipt and its destinations' rows (pending when new).
pub(crate) async fn receive(db: &Db, r: &Receipt) -> worker::Result<()> {
    let mut batch = vec![stmt(
        db,
        ledger::RECORD_DELIVERY,
        &[
            text(&r.id),
            text(&r.event),
            opt_text(r.workspace_id.as_deref()),
            int(r.received_at),
            int(r.size),
            text(&r.signature),
            opt_text(r.body_key.as_deref()),
            opt_text(r.envelope_problem.as_deref()),
        ],
    )?];
    for destination in &r.destinations {
        batch.push(stmt(
            db,
            ledger::ADD_TARGET,
            &[
                text(&r.id),
                text(destination),
                text(&r.event),
                int(r.received_at),
            ],
        )?);
    }
    db.batch(batch).await?;
    Ok(())
}

/// The statements that make sure a message's rows exist.
pub(crate) fn ensure_rows(
    db: &Db,
    d: &Delivery,
    now: u64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let size = d.body.as_ref().map_or(0, |b| b.len() as u64);
    Ok(vec![
        stmt(
            db,
            ledger::ENSURE_DELIVERY,
            &[
                text(&d.id),
                text(&d.event),
                int(d.received_at_ms),
                int(size),
                text(&d.signature),
                opt_text(d.body_key.as_deref()),
                opt_text(d.envelope_problem.as_deref()),
                opt_text(d.workspace_id.as_deref()),
            ],
        )?,
        stmt(
            db,
            ledger::ENSURE_TARGET,
            &[
                text(&d.id),
                text(&d.destination),
                text(&d.event),
                int(d.received_at_ms),
                int(now),
            ],
        )?,
    ])
}

/// The statements of one claim: the rows made sure of, the claim, the row afterwards.
fn claim_statements(
    db: &Db,
    d: &Delivery,
    token: &str,
    until: u64,
    now: u64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let position = d.position();
    // A retry's rows exist: its first attempt's claim made sure of them.
    let mut batch = if position.generation == 0 {
        ensure_rows(db, d, now)?
    } else {
        Vec::new()
    };
    batch.push(stmt(
        db,
        ledger::CLAIM,
        &[
            text(&d.id),
            text(&d.destination),
            int(u64::from(position.generation)),
            int(u64::from(position.attempt)),
            text(token),
            int(until),
            int(now),
            int(d.requested_at_ms),
        ],
    )?);
    batch.push(stmt(
        db,
        ledger::CLAIM_ROW,
        &[text(&d.id), text(&d.destination)],
    )?);
    Ok(batch)
}

/// Tries to claim the message's (delivery, destination); returns the row afterwards.
pub(crate) async fn claim(
    db: &Db,
    d: &Delivery,
    token: &str,
    until: u64,
    now: u64,
) -> worker::Result<Option<ClaimRow>> {
    Ok(claim_all(db, &[(d, token)], until, now)
        .await?
        .pop()
        .flatten())
}

/// Claims for a whole queue batch in one transaction (in order: two messages for one row see
/// each other's claim); the row after each.
pub(crate) async fn claim_all(
    db: &Db,
    claims: &[(&Delivery, &str)],
    until: u64,
    now: u64,
) -> worker::Result<Vec<Option<ClaimRow>>> {
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let mut batch = Vec::with_capacity(claims.len() * 4);
    // Where each claim's last statement (the row afterwards) is.
    let mut rows_at = Vec::with_capacity(claims.len());
    for (d, token) in claims {
        batch.extend(claim_statements(db, d, token, until, now)?);
        rows_at.push(batch.len() - 1);
    }
    let results = db.batch(batch).await?;
    rows_at
        .into_iter()
        .map(|i| match results.get(i) {
            Some(result) => Ok(result.results::<ClaimRow>()?.into_iter().next()),
            None => Ok(None),
        })
        .collect()
}

/// One attempt, as the history row records it (status and outcome read from `outcome`).
pub(crate) struct AttemptRecord<'a> {
    pub generation: u32,
    pub attempt: u32,
    pub started_at: u64,
    pub latency_ms: u64,
    pub outcome: &'a Outcome,
}

/// Records an attempt and its settlement. Returns whether the claim was still ours (if not,
/// only the attempt's history row is written).
pub(crate) async fn settle(
    db: &Db,
    d: &Delivery,
    token: &str,
    attempt: Option<&AttemptRecord<'_>>,
    settlement: &Settlement,
    body_key: Option<&str>,
    now: u64,
) -> worker::Result<bool> {
    let mut batch = vec![stmt(
        db,
        ledger::SETTLE,
        &[
            text(&d.id),
            text(&d.destination),
            text(token),
            text(settlement.state.as_str()),
            opt_int(attempt.and_then(|a| a.outcome.status()).map(u64::from)),
            opt_text(attempt.map(|a| a.outcome.kind().as_str())),
            opt_int(settlement.next_attempt_at),
            opt_text(settlement.dead_reason.map(|r| r.as_str())),
            int(now),
        ],
    )?];
    if let Some(a) = attempt {
        batch.push(stmt(
            db,
            ledger::ADD_ATTEMPT,
            &[
                text(&d.id),
                text(&d.destination),
                int(u64::from(a.generation)),
                int(u64::from(a.attempt)),
                int(a.started_at),
                int(a.latency_ms),
                opt_int(a.outcome.status().map(u64::from)),
                text(a.outcome.kind().as_str()),
                text(settlement.next.as_str()),
            ],
        )?);
    }
    if settlement.pause {
        batch.push(stmt(
            db,
            ledger::PAUSE_GONE,
            &[text(&d.destination), int(now), text(&d.id)],
        )?);
    }
    if let Some(key) = body_key {
        batch.push(stmt(db, ledger::SET_BODY_KEY, &[text(&d.id), text(key)])?);
    }
    let results = db.batch(batch).await?;
    Ok(results.first().is_some_and(changed))
}

/// Keeps a delivery for a paused destination (its body is in KV under `body_key`).
pub(crate) async fn keep(
    db: &Db,
    d: &Delivery,
    generation: u32,
    body_key: &str,
    now: u64,
) -> worker::Result<()> {
    db.batch(vec![
        stmt(db, ledger::SET_BODY_KEY, &[text(&d.id), text(body_key)])?,
        stmt(
            db,
            ledger::KEEP,
            &[
                text(&d.id),
                text(&d.destination),
                int(u64::from(generation)),
                int(now),
            ],
        )?,
    ])
    .await?;
    Ok(())
}

/// Records a message as a dead letter if it was the live one (see `ledger::BURY`). Returns
/// whether it was.
pub(crate) async fn bury(
    db: &Db,
    d: &Delivery,
    reason: DeadReason,
    body_key: Option<&str>,
    now: u64,
) -> worker::Result<bool> {
    let position = d.position();
    let mut batch = ensure_rows(db, d, now)?;
    if let Some(key) = body_key {
        batch.push(stmt(db, ledger::SET_BODY_KEY, &[text(&d.id), text(key)])?);
    }
    batch.push(stmt(
        db,
        ledger::BURY,
        &[
            text(&d.id),
            text(&d.destination),
            int(u64::from(position.generation)),
            int(u64::from(position.attempt)),
            text(reason.as_str()),
            int(now),
        ],
    )?);
    let results = db.batch(batch).await?;
    Ok(results.last().is_some_and(changed))
}

/// What a replay or resume needs to rebuild a delivery's message.
pub(crate) async fn stored(db: &Db, id: &str) -> worker::Result<Option<StoredDelivery>> {
    Ok(
        rows_of::<StoredDelivery>(db, ledger::DELIVERY_FOR_REPLAY, &[text(id)])
            .await?
            .into_iter()
            .next(),
    )
}

/// Runs one statement; returns whether it changed a row.
pub(crate) async fn run(db: &Db, sql: &str, binds: &[JsValue]) -> worker::Result<bool> {
    Ok(changed(&stmt(db, sql, binds)?.run().await?))
}

/// Starts a (delivery, destination) in `state` over as a new generation; false when it was
/// not in that state (someone else replayed it first). `UNDO_RESTART` takes the same values.
pub(crate) async fn restart(
    db: &Db,
    sql: &str,
    id: &str,
    destination: &str,
    state: ledger::State,
    now: u64,
) -> worker::Result<bool> {
    run(
        db,
        sql,
        &[text(id), text(destination), text(state.as_str()), int(now)],
    )
    .await
}
