//! Sends a signed sample delivery to a receiver, as AtlasBrokers would: `make send EVENT=deal.won`.
//!
//! ```text
//! cargo run --example send -- deal.won [http://127.0.0.1:8787/webhooks/atlasbrokers]
//! ```
//! The secret comes from `ATLAS_WEBHOOK_SECRET`, else from `.dev.vars`. Plain HTTP only: it is
//! for local receivers (`make dev`).

use std::io::{Read, Write};
use std::net::TcpStream;

use atlasbrokers_webhooks::{sign, EventType, EVENT_TYPES};

fn main() {
    let mut args = std::env::args().skip(1);
    let event = args.next().unwrap_or_else(|| "deal.won".into());
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8787/webhooks/atlasbrokers".into());
    let Some(event_type) = EventType::find(&event) else {
        let names: Vec<&str> = EVENT_TYPES.iter().map(|t| t.name).collect();
        fail(&format!(
            "unknown event {event:?}; one of: {}",
            names.join(", ")
        ));
    };
    let Some(secret) = secret() else {
        fail("no secret: set ATLAS_WEBHOOK_SECRET or create .dev.vars (make dev does)");
    };
    let Some((host, path)) = url.strip_prefix("http://").and_then(|r| r.split_once('/')) else {
        fail("the URL must be http://host:port/path");
    };
    let body = event_type.sample_body;
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         X-Webhook-Secret: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        sign(&secret, body),
        body.len()
    );
    let mut stream = TcpStream::connect(host).unwrap_or_else(|e| {
        fail(&format!(
            "cannot reach {host} ({e}): is `make dev` running?"
        ))
    });
    let mut response = String::new();
    let sent = stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.read_to_string(&mut response));
    if let Err(e) = sent {
        fail(&format!("the request failed: {e}"));
    }
    let status = response.lines().next().unwrap_or_default();
    let reply = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    println!(
        "sent {event} ({} bytes) to {url}\n{status}\n{reply}",
        body.len()
    );
}

fn secret() -> Option<String> {
    if let Ok(secret) = std::env::var("ATLAS_WEBHOOK_SECRET") {
        return Some(secret);
    }
    let vars = std::fs::read_to_string(".dev.vars").ok()?;
    vars.lines()
        .find_map(|l| l.strip_prefix("ATLAS_WEBHOOK_SECRET="))
        .map(|s| s.trim().to_owned())
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}
