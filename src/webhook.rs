//! The verifier: secrets (with rotation), body limit, optional replay window.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use crate::catalog::Event;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::mac::{InnerHash, Key, Software};
use crate::signature::{parse_header, signature_hex};
use crate::summary::{Checked, Summary};
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
/// // The SHA-256 of the exact body: the same for the delivery and its Replays.
/// assert_eq!(delivery.idempotency_key().len(), 64);
/// # Ok::<(), atlasbrokers_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    /// The current secret first, then previous ones.
    keys: Vec<Key>,
    tolerance: Option<Duration>,
    max_body_bytes: usize,
}

impl Webhook {
    /// A verifier for the secret shown in AtlasBrokers Settings > Webhooks, used as its UTF-8
    /// bytes (no decoding, no trimming). Fails with `invalid_secret` when it is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Webhook {
            keys: vec![checked_key(secret.as_ref())?],
            tolerance: None,
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

    /// The replay window, when one is set.
    pub fn tolerance(&self) -> Option<Duration> {
        self.tolerance
    }

    /// Rejects bodies larger than `max` bytes with `body_too_large` (default 1 MiB).
    pub fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Signs `body` with the current secret, as AtlasBrokers would.
    pub fn sign(&self, body: impl AsRef<[u8]>) -> String {
        signature_hex(&self.keys[0].mac(body.as_ref(), &mut Software))
    }

    /// Checks only the signature of the raw `body` against the `X-Webhook-Secret` header.
    pub fn verify_signature(&self, body: &[u8], header: Option<&str>) -> Result<(), Error> {
        self.check_signature(body, header, &mut Software)
            .map(|_| ())
    }

    /// Checks the signature and the size of `body` and nothing else: the gate. What passes is
    /// authentic, whatever its shape; [`Authentic::summary`] then reads its envelope. The
    /// edge verifier forwards authentic bodies that are not the envelope it expects rather
    /// than lose them.
    pub fn authenticate<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
    ) -> Result<Authentic<'a>, Error> {
        let signature = self.check_signature(body, header, &mut Software)?;
        Ok(Authentic { body, signature })
    }

    /// The signature check, with HMAC's inner hash from `hash`. Returns the header value that
    /// verified. (`dyn`: one copy of the verification path in the wasm, whichever hash.)
    fn check_signature(
        &self,
        body: &[u8],
        header: Option<&str>,
        hash: &mut dyn InnerHash,
    ) -> Result<[u8; 32], Error> {
        let candidates = parse_header(header)?;
        if body.len() > self.max_body_bytes {
            return Err(Error::BodyTooLarge {
                size: body.len() as u64,
                max: self.max_body_bytes,
            });
        }
        // Every key is tried so the time taken does not tell which one matched.
        let matched = self.keys.iter().fold(None, |found, key| {
            found.or(candidates.find(&key.mac(body, hash)))
        });
        match matched {
            Some(i) => Ok(candidates.as_slice()[i]),
            None => Err(Error::SignatureMismatch),
        }
    }

    /// Verifies the signature, then checks the envelope, a catalog event's `data` field types
    /// and the tolerance window (against the clock), without building the `data` tree: the
    /// fast path for routing, deduplicating and forwarding.
    pub fn verify_summary<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
    ) -> Result<Summary<'a>, Error> {
        self.verify_summary_with(body, header, None, &mut Software)
    }

    /// [`Webhook::verify_summary`] with the tolerance checked against `received_at` instead of
    /// the clock: for deliveries processed later (from a queue), and on targets without a
    /// clock. [`Envelope::from_summary`] then gives the envelope.
    pub fn verify_summary_at<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
        received_at: SystemTime,
    ) -> Result<Summary<'a>, Error> {
        self.verify_summary_with(body, header, Some(received_at), &mut Software)
    }

    /// [`Webhook::verify_summary`] with HMAC's inner hash from `hash` (see [`InnerHash`]) and
    /// the tolerance checked against `received_at` (the clock when `None`): the same rules in
    /// the same order. The npm package's bindings call it with the platform's SHA-256.
    pub fn verify_summary_with<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
        received_at: Option<SystemTime>,
        hash: &mut dyn InnerHash,
    ) -> Result<Summary<'a>, Error> {
        self.verify_checked(body, header, received_at, hash)
            .map(|checked| checked.summary())
    }

    /// [`Webhook::verify_summary_with`] without making the summary: every check, in the same
    /// order, with nothing decoded or copied. For callers that parse the body themselves once
    /// it verifies (the npm package's JavaScript runs `JSON.parse` on it).
    pub fn verify_with(
        &self,
        body: &[u8],
        header: Option<&str>,
        received_at: Option<SystemTime>,
        hash: &mut dyn InnerHash,
    ) -> Result<(), Error> {
        self.verify_checked(body, header, received_at, hash)
            .map(drop)
    }

    fn verify_checked<'a>(
        &self,
        body: &'a [u8],
        header: Option<&str>,
        received_at: Option<SystemTime>,
        hash: &mut dyn InnerHash,
    ) -> Result<Checked<'a>, Error> {
        self.check_signature(body, header, hash)?;
        let checked = Checked::parse(body)?;
        self.check_instant(checked.unix_nanos(), received_at)?;
        Ok(checked)
    }

    /// [`Webhook::verify_summary`], then the envelope with `data` as raw JSON; see
    /// [`Webhook::verify_event`] for typed data.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<Envelope, Error> {
        let summary = self.verify_summary(body, header)?;
        Envelope::from_summary(&summary, body)
    }

    /// The replay window: `timestamp_out_of_tolerance` when a tolerance is set and `timestamp`
    /// is further than it from now. [`Webhook::verify_summary`] and the others call it;
    /// callers of [`Webhook::authenticate`] call it on the summary's timestamp. The clock is
    /// read only when a tolerance is set.
    pub fn check_timestamp(&self, timestamp: &Timestamp) -> Result<(), Error> {
        self.check_instant(timestamp.unix_nanos(), None)
    }

    /// [`Webhook::check_timestamp`] against `received_at` instead of the clock.
    pub fn check_timestamp_at(
        &self,
        timestamp: &Timestamp,
        received_at: SystemTime,
    ) -> Result<(), Error> {
        self.check_instant(timestamp.unix_nanos(), Some(received_at))
    }

    /// The replay window for a timestamp's instant, against `received_at` or else the clock
    /// (read only when a tolerance is set).
    fn check_instant(
        &self,
        unix_nanos: i128,
        received_at: Option<SystemTime>,
    ) -> Result<(), Error> {
        let Some(tolerance) = self.tolerance else {
            return Ok(());
        };
        let received_at = match received_at {
            Some(at) => at,
            None => clock()?,
        };
        let skew = unix_nanos - system_time_nanos(received_at);
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

/// A body whose signature verified, before anything is read from it. See
/// [`Webhook::authenticate`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Authentic<'a> {
    body: &'a [u8],
    signature: [u8; 32],
}

impl<'a> Authentic<'a> {
    /// The exact bytes that verified.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The header value that verified, as AtlasBrokers writes it (lowercase hex), whatever
    /// case or duplicates the header arrived with: what a forwarder passes on.
    pub fn signature(&self) -> String {
        signature_hex(&self.signature)
    }

    /// The delivery id: see [`crate::delivery_id`].
    pub fn delivery_id(&self) -> String {
        crate::delivery_id(self.body)
    }

    /// The envelope rules over the body: the summary, or why it is not the envelope
    /// (`invalid_json` or `invalid_envelope`, both [`Error::is_authentic`]). No tolerance
    /// check: see [`Webhook::check_timestamp`].
    pub fn summary(&self) -> Result<Summary<'a>, Error> {
        Summary::parse(self.body)
    }

    /// The top-level `event` when it is a non-empty string, even when the rest of the
    /// envelope is not as expected: enough to route an authentic body.
    pub fn event(&self) -> Option<Cow<'a, str>> {
        crate::summary::event_of(self.body)
    }
}

impl fmt::Debug for Authentic<'_> {
    // Never print the body (personal information) nor the signature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authentic")
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
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
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
