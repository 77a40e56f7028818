//! The workerd shell: reads requests, bindings and messages, asks the pure modules what to do,
//! and does it. No decision is made here that could be made without I/O.

mod admin;
mod bodies;
mod console;
mod consume;
mod forward;
mod health;
mod ledger;
mod receive;
mod scheduled;
mod upgrade;

use std::cell::RefCell;
use std::rc::Rc;

use worker::{event, Context, Env, MessageBatch, Method, Request, Response, Result};

use crate::config::{self, Config};
use crate::responses::{EdgeError, Reply};

/// Binding names, as in wrangler.toml (the ledger's is `crate::ledger::BINDING`).
pub(crate) const DELIVERIES: &str = "DELIVERIES";
pub(crate) const STATE: &str = "STATE";

/// A var or secret by name (both are strings to the worker).
fn lookup(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
}

thread_local! {
    /// The configuration, read once per isolate: vars and secrets only change with a new
    /// deployment, which starts new isolates. Saves parsing ROUTES and keying HMAC per request.
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

fn load_config(env: &Env) -> Rc<Config> {
    CONFIG.with(|cached| {
        if let Some(config) = &*cached.borrow() {
            return config.clone();
        }
        let config = Rc::new(config::parse(
            |name| lookup(env, name),
            config::Bound {
                queue: env.queue(DELIVERIES).is_ok(),
                ledger: ledger::open(env).is_some(),
            },
        ));
        for problem in &config.problems {
            worker::console_error!(
                "{}",
                serde_json::json!({ "level": "error", "config_problem": problem })
            );
        }
        *cached.borrow_mut() = Some(config.clone());
        config
    })
}

pub(crate) fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// A claim's token: unique per attempt, so a consumer recognizes its own claim.
pub(crate) fn claim_token() -> String {
    let part = || (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("{:014x}{:014x}", part(), part())
}

pub(crate) fn log(entry: &crate::log::AttemptLog<'_>) {
    log_line(&entry.line());
}

pub(crate) fn log_line(line: &str) {
    worker::console_log!("{line}");
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let config = load_config(&env);
    let path = req.path();
    let reply = if path == config.path {
        receive::handle(req, &env, &ctx, &config).await
    } else if path == "/healthz" && req.method() == Method::Get {
        health::handle(&env, &config).await
    } else if let (Some(asset), Method::Get | Method::Head, Some(_)) = (
        crate::console::asset(&path),
        req.method(),
        &config.admin_token,
    ) {
        return console::serve(asset);
    } else if path.starts_with("/admin/") {
        admin::handle(req, &env, &config).await
    } else {
        EdgeError::NotFound.reply()
    };
    to_response(&reply)
}

/// The Cron Trigger (wrangler.toml `[triggers]`): retention, see `crate::retention`.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    scheduled::run(&env).await;
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    let config = load_config(&env);
    consume::batch(batch, &env, &config).await
}

pub(crate) fn to_response(reply: &Reply) -> Result<Response> {
    let response = Response::from_json(&reply.body)?.with_status(reply.status);
    if let Some((name, value)) = &reply.header {
        response.headers().set(name, value)?;
    }
    Ok(response)
}
