//! `GET /healthz`: the configuration, and what storage says needs the operator (gone
//! destinations and how many deliveries wait for each, authentic bodies that were not the
//! envelope). Names and numbers only.

use worker::Env;

use super::{deliver, STATE};
use crate::config::Config;
use crate::message::{keys, EnvelopeProblems};
use crate::responses::{self, Health, Reply};

pub(crate) async fn handle(env: &Env, config: &Config) -> Reply {
    let mut health = Health::default();
    if let Ok(kv) = env.kv(STATE) {
        health.storage_ok = true;
        for destination in &config.destinations {
            match deliver::gone_mark(&kv, &destination.name).await {
                Ok(Some(mark)) => {
                    let kept = deliver::parked_keys(&kv, &destination.name)
                        .await
                        .map_or(0, |k| k.len());
                    health.gone.push((destination.name.clone(), mark, kept));
                }
                Ok(None) => {}
                Err(()) => health.storage_ok = false,
            }
        }
        match kv
            .get(keys::ENVELOPE_PROBLEMS)
            .json::<EnvelopeProblems>()
            .await
        {
            Ok(stats) => health.envelope_problems = stats.unwrap_or_default(),
            Err(_) => health.storage_ok = false,
        }
    }
    responses::healthz(config, crate::VERSION, &health)
}
