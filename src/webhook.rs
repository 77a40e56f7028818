//! The verifier: secrets (with rotation), body limit, optional replay window.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::catalog::Event;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::signature::{parse_header, Key, Sha256Fn};
use crate::summary::Summary;
use crate::timestamp::{system_time_nanos, Timestamp};

/// The body limit when none is set: 1 MiB, far above any AtlasBrokers event.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Verifies AtlasBrokers deliveries.
///
/// ```
/// use atlasbrokers_webhooks::{sign, Webhook, Event};
///
/// let body = br#"{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_abc123","data":{"id":"deal_mno321","title":"Home Insurance Policy","value":2400,"currency":"CAD","closedAt":"2026-03-05T09:00:00.000Z"}}"#;
/// let header = sign("whsec_current", body); // what AtlasBrokers sends in X-Webhook-Secret
///
/// let webhook = Webhook::new("whsec_current")?.with_previous_secret("whsec_old")?;
/// let delivery = webhook.verify_event(body, Some(&header))?;
/// if let Event::DealWon(deal) = &delivery.data {
///     assert_eq!(deal.value.to_minor_units(), 240_000);
/// }
/// assert_eq!(
///     delivery.idempotency_key(),
///     "deal.won:ws_abc123:deal_mno321:2026-03-02T14:23:11.000Z"
/// );
/// # Ok::<(), atlasbrokers_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    /// The current secret first, then previous ones.
    keys: Vec<Key>,
    tolerance: Option<Duration>,
    received_at: Option<SystemTime>,
    max_body_bytes: usize,
}

impl Webhook {
    /// A verifier for the secret shown in AtlasBrokers Settings > Webhooks, used as its UTF-8
    /// bytes (no decoding, no trimming). Fails with `invalid_secret` when it is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Webhook {
            keys: vec![checked_key(secret.as_ref())?],
            tolerance: None,
            received_at: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// Also accepts signatures made with a previous secret, for rotation without downtime:
    /// deploy with both, change the secret in AtlasBrokers, then drop the old one.
    pub fn with_previous_secret(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.push(checked_key(secret.as_ref())?);
        Ok(self)
    }

    /// Rejects deliveries whose signed `timestamp` is further than `tolerance` from the receive
    /// time, in either direction. Off by default: AtlasBrokers' manual Replay re-sends the
    /// original event with its original timestamp, which a window would reject.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Checks the tolerance against this instant instead of the clock: for deliveries
    /// processed later from a queue, and on targets without a clock.
    pub fn with_received_at(mut self, received_at: SystemTime) -> Self {
        self.received_at = Some(received_at);
        self
    }

    /// Rejects bodies larger than `max` bytes with `body_too_large` (default 1 MiB).
    pub fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Signs `body` with the current secret, as AtlasBrokers would.
    pub fn sign(&self, body: impl AsRef<[u8]>) -> String {
        self.keys[0].sign(body.as_ref())
    }

    /// Checks only the signature of the raw `body` against the `X-Webhook-Secret` header.
    pub fn verify_signature(&self, body: &[u8], header: Option<&str>) -> Result<(), Error> {
        self.check_signature(body, header, None)
    }

    /// The signature check, with HMAC over the caller's SHA-256 when one is given.
    fn check_signature(
        &self,
        body: &[u8],
        header: Option<&str>,
        mut sha256: Option<Sha256Fn>,
    ) -> Result<(), Error> {
        let expected = parse_header(header)?;
        if body.len() > self.max_body_bytes {
            return Err(Error::BodyTooLarge {
                size: body.len(),
                max: self.max_body_bytes,
            });
        }
        // Every key is tried so the time taken does not tell which one matched.
        let matched = self.keys.iter().fold(false, |found, key| {
            let matches = match sha256.as_deref_mut() {
                Some(sha256) => key.matches_with(body, &expected, sha256),
                None => key.matches(body, &expected),
            };
            matches | found
        });
        if matched {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }

    /// Verifies the signature, then checks the envelope, a catalog event's `data` field types
    /// and the tolerance window, without building the `data` tree: the fast path for routing,
    /// deduplicating and forwarding.
    pub fn verify_summary<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
    ) -> Result<Summary<'a>, Error> {
        self.verify_summary_with(body, header, None)
    }

    /// [`Webhook::verify_summary`] with HMAC over the caller's SHA-256 (the npm package's Node
    /// entry); the same rules in the same order.
    pub(crate) fn verify_summary_with<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
        sha256: Option<Sha256Fn>,
    ) -> Result<Summary<'a>, Error> {
        self.check_signature(body, header, sha256)?;
        let summary = Summary::parse(body)?;
        self.check_tolerance(summary.timestamp())?;
        Ok(summary)
    }

    /// [`Webhook::verify_summary`], then the envelope with `data` as raw JSON; see
    /// [`Webhook::verify_event`] for typed data.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<Envelope, Error> {
        let summary = self.verify_summary(body, header)?;
        Envelope::from_summary(&summary, body)
    }

    fn check_tolerance(&self, timestamp: &Timestamp) -> Result<(), Error> {
        let Some(tolerance) = self.tolerance else {
            return Ok(());
        };
        let now = match self.received_at {
            Some(at) => system_time_nanos(at),
            None => system_time_nanos(clock()?),
        };
        let skew = timestamp.unix_nanos() - now;
        if skew.unsigned_abs() > tolerance.as_nanos() {
            return Err(Error::TimestampOutOfTolerance {
                skew_seconds: (skew / 1_000_000_000) as i64,
                tolerance_seconds: tolerance.as_secs(),
            });
        }
        Ok(())
    }

    /// [`Webhook::verify`], then types `data` as an [`Event`].
    pub fn verify_event(
        &self,
        body: &[u8],
        header: Option<&str>,
    ) -> Result<Envelope<Event>, Error> {
        self.verify(body, header)?.into_event()
    }
}

fn checked_key(secret: &[u8]) -> Result<Key, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidSecret);
    }
    Ok(Key::new(secret))
}

// wasm32-unknown-unknown has no clock: `SystemTime::now()` would panic there.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn clock() -> Result<SystemTime, Error> {
    Ok(SystemTime::now())
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn clock() -> Result<SystemTime, Error> {
    Err(Error::ClockUnavailable)
}

impl fmt::Debug for Webhook {
    // Never print key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("received_at", &self.received_at)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
