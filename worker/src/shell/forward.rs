//! One POST of the exact received bytes to a destination, with a timeout.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

use crate::headers::{forward_headers, Forwarded};
use crate::retry::{is_queue_full, Outcome};

/// How much of a destination's answer is read: enough for Make's "Queue is full".
const ANSWER_PREFIX: usize = 512;

/// Sends it once; returns the outcome and how long it took.
pub(crate) async fn send(
    url: &str,
    body: &[u8],
    forwarded: &Forwarded<'_>,
    timeout: Duration,
) -> (Outcome, u64) {
    let started = super::now_ms();
    let outcome = attempt(url, body, forwarded, timeout).await;
    (outcome, super::now_ms().saturating_sub(started))
}

async fn attempt(url: &str, body: &[u8], forwarded: &Forwarded<'_>, timeout: Duration) -> Outcome {
    let Ok(request) = build(url, body, forwarded) else {
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
        let answer = response.bytes().await.unwrap_or_default();
        let start = &answer[..answer.len().min(ANSWER_PREFIX)];
        Ok::<_, worker::Error>(Outcome::Status {
            status,
            retry_after,
            queue_full: is_queue_full(status, start),
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

fn build(url: &str, body: &[u8], forwarded: &Forwarded<'_>) -> worker::Result<Request> {
    let headers = Headers::new();
    for (name, value) in forward_headers(forwarded) {
        headers.set(name, &value)?;
    }
    let body = js_sys::Uint8Array::from(body);
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        // A hook that redirects gets a 3xx, treated as a rejection: the body (PII) is never
        // sent somewhere the operator did not configure.
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(body.into()));
    Request::new_with_init(url, &init)
}
