//! `GET /healthz`: the configuration, and what the ledger says needs the operator (paused
//! destinations and how many deliveries wait for each, dead letters, authentic bodies that
//! were not the envelope, a schema behind its migrations). Names and numbers only.

use serde::Deserialize;
use worker::Env;

use super::ledger::{self, stmt};
use crate::config::Config;
use crate::health::{self, Health};
use crate::ledger::{
    PausedRow, DEAD_COUNT, ENVELOPE_PROBLEMS, LAST_ENVELOPE_PROBLEM, PAUSED, SCHEMA,
};
use crate::responses::Reply;

#[derive(Deserialize)]
struct Version {
    value: String,
}

#[derive(Deserialize)]
struct Count {
    n: u64,
    last_at: Option<u64>,
}

#[derive(Deserialize)]
struct Problem {
    envelope_problem: String,
}

pub(crate) async fn handle(env: &Env, config: &Config) -> Reply {
    let mut health = Health::default();
    if let Some(db) = ledger::open(env) {
        // A failed read leaves the schema version unknown: /healthz then says so.
        let _ = read(&db, &mut health).await;
    }
    health::healthz(config, crate::VERSION, &health)
}

/// One batch: the schema version first, so a missing table leaves it `None`.
async fn read(db: &ledger::Db, health: &mut Health) -> worker::Result<()> {
    let results = db
        .batch(vec![
            stmt(db, SCHEMA, &[])?,
            stmt(db, PAUSED, &[])?,
            stmt(db, DEAD_COUNT, &[])?,
            stmt(db, ENVELOPE_PROBLEMS, &[])?,
            stmt(db, LAST_ENVELOPE_PROBLEM, &[])?,
        ])
        .await?;
    let [schema, paused, dead, problems, last] = results.as_slice() else {
        return Ok(());
    };
    health.schema_version = schema
        .results::<Version>()?
        .first()
        .and_then(|v| v.value.parse().ok());
    health.paused = paused.results::<PausedRow>()?;
    health.dead_letters = dead.results::<Count>()?.first().map_or(0, |c| c.n);
    let count = problems.results::<Count>()?.into_iter().next();
    health.envelope_problems = count.as_ref().map_or(0, |c| c.n);
    let last = last.results::<Problem>()?.into_iter().next();
    health.last_envelope_problem = match (count.and_then(|c| c.last_at), last) {
        (Some(at), Some(p)) => Some((at, p.envelope_problem)),
        _ => None,
    };
    Ok(())
}
