//! `GET /healthz`: the configuration, and what the ledger says needs the operator (gone or
//! paused destinations, dead letters, envelope problems, the schema), decided here from what
//! the shell read. Names and numbers only, never secrets or URLs.

use serde_json::json;

use crate::config::Config;
use crate::ledger::{PausedRow, GONE, SCHEMA_VERSION};
use crate::responses::Reply;

/// What `/healthz` reports beside the configuration, read from the ledger by the shell.
#[derive(Debug, Default)]
pub struct Health {
    /// Destinations paused (they answered 410 Gone, or the operator paused them), with how
    /// many deliveries are kept for each.
    pub paused: Vec<PausedRow>,
    pub dead_letters: u64,
    /// Authentic bodies that were not the envelope: how many, the last one's time and
    /// `X-Atlas-Envelope-Problem` (a code and a field, never a value).
    pub envelope_problems: u64,
    pub last_envelope_problem: Option<(u64, String)>,
    /// The ledger's `schema_version`; `None` when it could not be read.
    pub schema_version: Option<u32>,
}

/// `GET /healthz`: names and numbers only, never secrets or URLs. 503 while misconfigured,
/// while the ledger is unreadable or behind its migrations, or while a destination is gone
/// (answered 410), saying what to do. A destination the operator paused is listed with how to
/// resume it, but is no fault: it was meant (an uptime monitor should not page for it).
pub fn healthz(config: &Config, version: &str, health: &Health) -> Reply {
    let ledger_ok = health.schema_version == Some(SCHEMA_VERSION);
    let (gone, paused): (Vec<&PausedRow>, Vec<&PausedRow>) =
        health.paused.iter().partition(|p| p.reason == GONE);
    let ok = config.problems.is_empty() && gone.is_empty() && ledger_ok;
    // Each with what to do: resume a pause; for a 410, fix the hook first.
    let entry = |p: &PausedRow, action: String| {
        json!({
            "destination": p.name,
            "reason": p.reason,
            "sinceMs": p.since,
            "kept": p.kept,
            "action": action,
        })
    };
    let paused: Vec<_> = paused
        .iter()
        .map(|p| {
            let (name, kept) = (&p.name, p.kept);
            entry(
                p,
                format!(
                    "{name} is paused ({}): nothing is sent to it, and its deliveries are kept. \
                     POST /admin/destinations/{name}/resume to send the {kept} kept, oldest first",
                    p.reason
                ),
            )
        })
        .collect();
    let gone: Vec<_> = gone
        .iter()
        .map(|p| {
            let (name, kept) = (&p.name, p.kept);
            let secret = config
                .destinations
                .iter()
                .find(|d| &d.name == name)
                .map_or("its hook URL secret", |d| d.secret.as_str());
            entry(
                p,
                format!(
                    "{name} answered 410 Gone: its hook was deleted or turned off, and {kept} \
                     deliveries are kept for it (nothing is sent to it meanwhile). Turn the Zap or \
                     scenario back on, or re-create the hook and `wrangler secret put {secret}` \
                     with its new URL; then POST /admin/destinations/{name}/resume to send them"
                ),
            )
        })
        .collect();
    let ledger = match health.schema_version {
        Some(v) if v == SCHEMA_VERSION => json!({ "state": "ok", "schemaVersion": v }),
        found => json!({
            "state": if found.is_some() { "schema_behind" } else { "unavailable" },
            "schemaVersion": found,
            "expected": SCHEMA_VERSION,
            "action": "apply the ledger's migrations: `wrangler d1 migrations apply LEDGER \
                --remote` (deliveries are still accepted; they are forwarded once it is ready)",
        }),
    };
    let (last_at, last) = health
        .last_envelope_problem
        .as_ref()
        .map_or((None, None), |(at, header)| {
            (Some(*at), Some(header.as_str()))
        });
    Reply::new(
        if ok { 200 } else { 503 },
        json!({
            "ok": ok,
            "name": "atlasbrokers-edge",
            "version": version,
            "mode": config.mode.as_str(),
            "path": config.path,
            "destinations": config.destinations.iter().map(|d| json!({
                "name": d.name,
                "events": d.events,
                "gone": health.paused.iter().any(|p| p.name == d.name && p.reason == GONE),
                "paused": health.paused.iter().find(|p| p.name == d.name).map(|p| &p.reason),
            })).collect::<Vec<_>>(),
            "gone": gone,
            "paused": paused,
            "deadLetters": health.dead_letters,
            "envelopeProblems": {
                "count": health.envelope_problems,
                "lastAtMs": last_at,
                "last": last,
                "strict": config.strict_envelope,
            },
            "ledger": ledger,
            "admin": config.admin_token.is_some(),
            "problems": config.problems,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration from these vars, with the queue and the ledger bound.
    fn config_of(vars: &[(&str, &str)]) -> Config {
        let bound = crate::config::Bound {
            queue: true,
            ledger: true,
        };
        crate::config::from_vars(vars, bound)
    }

    /// What `/healthz` reads from a ledger at the expected schema, with nothing to report.
    fn ready() -> Health {
        Health {
            schema_version: Some(SCHEMA_VERSION),
            ..Health::default()
        }
    }

    #[test]
    fn healthz_names_destinations_but_never_urls_or_secrets() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_top_secret"),
            (
                "ZAPIER_HOOK_URL",
                "https://hooks.zapier.com/hooks/catch/123/capability/",
            ),
        ]);
        let r = healthz(&config, "0.1.0", &ready());
        let text = r.body.to_string();
        assert_eq!(r.status, 200);
        assert!(text.contains("\"zapier\"") && text.contains("\"queue\""));
        assert!(!text.contains("capability") && !text.contains("whsec_top_secret"));
        let unbound = crate::config::Bound {
            queue: false,
            ledger: true,
        };
        let broken = crate::config::from_vars(&[], unbound);
        let r = healthz(&broken, "0.1.0", &Health::default());
        assert_eq!(r.status, 503);
        assert!(r.body["problems"].as_array().unwrap().len() >= 2);

        // A gone destination: 503, named, with what to do, and still no URL.
        let health = Health {
            paused: vec![PausedRow {
                name: "zapier".into(),
                reason: "gone".into(),
                since: 5,
                kept: 3,
            }],
            envelope_problems: 2,
            last_envelope_problem: Some((9, "invalid_envelope; field=data.title".into())),
            schema_version: Some(SCHEMA_VERSION),
            dead_letters: 4,
        };
        let r = healthz(&config, "0.1.0", &health);
        assert_eq!(r.status, 503);
        assert_eq!(r.body["gone"][0]["destination"], "zapier");
        assert_eq!(r.body["gone"][0]["kept"], 3);
        let action = r.body["gone"][0]["action"].as_str().unwrap();
        assert!(
            action.contains("ZAPIER_HOOK_URL")
                && action.contains("/admin/destinations/zapier/resume")
        );
        assert_eq!(r.body["destinations"][0]["gone"], true);
        assert_eq!(r.body["envelopeProblems"]["count"], 2);
        assert_eq!(
            r.body["envelopeProblems"]["last"],
            "invalid_envelope; field=data.title"
        );
        assert_eq!(r.body["deadLetters"], 4);
        assert!(!r.body.to_string().contains("capability"));
    }

    #[test]
    fn an_operators_pause_is_reported_but_is_no_fault() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            ("ZAPIER_HOOK_URL", "https://hooks.zapier.com/x"),
            ("MAKE_HOOK_URL", "https://hook.make.com/y"),
        ]);
        let pause = |name: &str, reason: &str| PausedRow {
            name: name.into(),
            reason: reason.into(),
            since: 7,
            kept: 2,
        };
        let mut health = ready();
        health.paused = vec![pause("make", "operator")];
        let r = healthz(&config, "0", &health);
        assert_eq!((r.status, &r.body["ok"]), (200, &json!(true)));
        assert_eq!(r.body["gone"], json!([]));
        assert_eq!(r.body["paused"][0]["reason"], "operator");
        assert_eq!(r.body["paused"][0]["kept"], 2);
        let action = r.body["paused"][0]["action"].as_str().unwrap();
        assert!(
            action.contains("POST /admin/destinations/make/resume to send the 2 kept"),
            "{action}"
        );
        let names: Vec<_> = r.body["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["name"].clone(), d["paused"].clone(), d["gone"].clone()))
            .collect();
        assert_eq!(
            names,
            [
                (json!("zapier"), json!(null), json!(false)),
                (json!("make"), json!("operator"), json!(false))
            ]
        );
        // A 410 elsewhere still needs the operator: 503.
        health.paused.push(pause("zapier", "gone"));
        let r = healthz(&config, "0", &health);
        assert_eq!((r.status, &r.body["ok"]), (503, &json!(false)));
        assert_eq!(r.body["gone"][0]["destination"], "zapier");
        assert_eq!(r.body["paused"].as_array().unwrap().len(), 1);
        assert_eq!(r.body["destinations"][0]["gone"], true);
    }

    #[test]
    fn healthz_says_when_the_ledger_needs_its_migrations() {
        let config = config_of(&[
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            ("ZAPIER_HOOK_URL", "https://hooks.zapier.com/x"),
        ]);
        assert_eq!(healthz(&config, "0", &ready()).status, 200);
        for (version, state) in [(None, "unavailable"), (Some(1), "schema_behind")] {
            let health = Health {
                schema_version: version,
                ..Health::default()
            };
            let r = healthz(&config, "0", &health);
            assert_eq!(r.status, 503);
            assert_eq!(r.body["ledger"]["state"], state);
            assert!(r.body["ledger"]["action"]
                .as_str()
                .unwrap()
                .contains("migrations apply"));
        }
    }
}
