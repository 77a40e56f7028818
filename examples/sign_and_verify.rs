//! Signs a catalog sample as AtlasBrokers would, then verifies it the way a receiver should.
//!
//! ```text
//! cargo run --example sign_and_verify -- deal.won
//! ```
//! Environment: `ATLAS_WEBHOOK_SECRET` (default: a demo secret).

use atlasbrokers_webhooks::{sign, Event, EventType, Webhook, EVENT_TYPES};

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "deal.won".to_owned());
    let Some(event_type) = EventType::find(&name) else {
        let names: Vec<&str> = EVENT_TYPES.iter().map(|t| t.name).collect();
        eprintln!("unknown event {name:?}; pick one of: {}", names.join(", "));
        std::process::exit(2);
    };
    let secret = std::env::var("ATLAS_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_dev_only".into());

    // What AtlasBrokers sends: the body bytes and X-Webhook-Secret = hex HMAC-SHA256 of them.
    let body = event_type.sample_body.as_bytes();
    let header = sign(&secret, body);
    println!(
        "POST body ({} bytes): {}",
        body.len(),
        event_type.sample_body
    );
    println!("X-Webhook-Secret: {header}\n");

    // What a receiver does: verify the raw bytes first, then read the typed event.
    let webhook = Webhook::new(&secret).unwrap_or_else(|e| fail(e));
    let delivery = webhook
        .verify_event(body, Some(&header))
        .unwrap_or_else(|e| fail(e));
    println!(
        "verified {} ({})",
        delivery.data.name(),
        event_type.category.title()
    );
    println!("idempotency key: {}", delivery.idempotency_key());
    match &delivery.data {
        Event::DealWon(deal) => println!(
            "deal won: {} for {} {}",
            deal.title, deal.value, deal.currency
        ),
        event => println!(
            "data: {}",
            serde_json::to_string_pretty(&event).unwrap_or_default()
        ),
    }

    // The most common mistake: verifying a re-serialized body instead of the raw bytes.
    let reserialized = serde_json::to_vec(&delivery).unwrap_or_default();
    match webhook.verify(&reserialized, Some(&header)) {
        Ok(_) => println!("\nre-serialized body verified (same bytes by chance)"),
        Err(e) => println!(
            "\na re-serialized body is rejected as it should be: {} ({})",
            e.code(),
            e.http_status()
        ),
    }
}

fn fail(e: atlasbrokers_webhooks::Error) -> ! {
    eprintln!("error {} ({}): {e}", e.code(), e.http_status());
    std::process::exit(1);
}
