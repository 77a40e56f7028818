//! One POST of the exact received bytes to a destination, with a timeout.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

use crate::retry::Outcome;

/// What a forwarded request carries besides the body.
pub(crate) struct Forward<'a> {
    pub url: &'a str,
    pub body: &'a [u8],
    pub event: &'a str,
    pub delivery_id: &'a str,
    pub attempt: u32,
    pub signature: &'a str,
}

/// Sends it once; returns the outcome and how long it took.
pub(crate) async fn send(forward: &Forward<'_>, timeout: Duration) -> (Outcome, u64) {
    let started = super::now_ms();
    let outcome = attempt(forward, timeout).await;
    (outcome, super::now_ms().saturating_sub(started))
}

async fn attempt(forward: &Forward<'_>, timeout: Duration) -> Outcome {
    let Ok(request) = build(forward) else {
        return Outcome::Network;
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
        let status = response.status_code();
        let retry_after = response.headers().get("retry-after").ok().flatten();
        // Read the (small) answer to the end: an unread body keeps its connection open, and
        // workerd lets an invocation hold only six; with more, deliveries stall.
        let _ = response.bytes().await;
        Ok::<_, worker::Error>(Outcome::Status {
            status,
            retry_after,
        })
    };
    let timer = Delay::from(timeout);
    futures_util::pin_mut!(exchange, timer);
    match select(exchange, timer).await {
        Either::Left((Ok(outcome), _)) => outcome,
        Either::Left((Err(_), _)) => Outcome::Network,
        Either::Right(_) => {
            controller.abort();
            Outcome::Timeout
        }
    }
}

fn build(forward: &Forward<'_>) -> worker::Result<Request> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", &crate::user_agent())?;
    headers.set("x-atlas-event", forward.event)?;
    headers.set("x-atlas-delivery-id", forward.delivery_id)?;
    headers.set("x-atlas-attempt", &forward.attempt.to_string())?;
    // Still valid for these exact bytes: a destination may verify it too.
    headers.set("x-webhook-secret", forward.signature)?;
    let body = js_sys::Uint8Array::from(forward.body);
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        // A hook that redirects gets a 3xx, treated as a rejection: the body (PII) is never
        // sent somewhere the operator did not configure.
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(body.into()));
    Request::new_with_init(forward.url, &init)
}
