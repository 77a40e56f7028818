//! The one error type shared by the crate, the npm package and the edge verifier.
//!
//! Every error has a stable snake_case [`Error::code`] (safe to match on, log and return to
//! callers) and an [`Error::http_status`]. Messages say what to do next. No message ever holds
//! a secret, the expected signature or any part of the payload: only field names and sizes.

use std::fmt;

/// Why a verification or parse failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The `X-Webhook-Secret` header is absent or blank.
    MissingSignature,
    /// The header is present but is not 64 hexadecimal characters.
    MalformedSignature(Malformed),
    /// The header is well formed but matches none of the configured secrets.
    SignatureMismatch,
    /// The body is larger than the configured maximum.
    BodyTooLarge {
        /// Size of the rejected body in bytes (as far as it was read, or as declared).
        size: u64,
        /// The configured maximum in bytes.
        max: usize,
    },
    /// The body is authentic but is not JSON.
    InvalidJson {
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column of the syntax error.
        column: usize,
    },
    /// The body is JSON but a field of the envelope is missing or has the wrong type.
    InvalidEnvelope {
        /// The JSON path of the offending field, e.g. `timestamp` or `data.value`.
        field: &'static str,
        /// What the field should be, e.g. `an RFC 3339 date-time string`.
        expected: &'static str,
    },
    /// The envelope's signed `timestamp` is outside the configured tolerance window.
    TimestampOutOfTolerance {
        /// Signed distance in seconds from the receive time to the event's timestamp
        /// (negative: the event is older; positive: it is in the future).
        skew_seconds: i64,
        /// The configured tolerance in seconds.
        tolerance_seconds: u64,
    },
    /// A secret given to the verifier is empty.
    InvalidSecret,
    /// A tolerance window is set but this target has no clock (wasm32-unknown-unknown).
    ClockUnavailable,
    /// The receiver was handed an already-parsed body (e.g. by `express.json()`), whose raw
    /// bytes are gone, so no signature can be checked. Raised by the JavaScript shells.
    BodyAlreadyParsed,
    /// The request used another HTTP method than `POST`. Raised by the HTTP shells.
    MethodNotAllowed,
    /// A verifier option has a value it cannot mean (a negative or NaN tolerance, a body
    /// limit below one byte). Raised by the shells that take options as plain numbers.
    InvalidOption {
        /// The option's name as the caller spelled it, e.g. `toleranceSeconds`.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

/// How a signature header is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// The trimmed header is not 64 characters long.
    Length {
        /// The trimmed header's length in bytes.
        found: usize,
    },
    /// The header has 64 characters but some are not hexadecimal digits.
    NotHex,
}

impl Error {
    /// A stable snake_case identifier, the same in Rust, JavaScript and the edge verifier.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingSignature => "missing_signature",
            Error::MalformedSignature(_) => "malformed_signature",
            Error::SignatureMismatch => "signature_mismatch",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::InvalidJson { .. } => "invalid_json",
            Error::InvalidEnvelope { .. } => "invalid_envelope",
            Error::TimestampOutOfTolerance { .. } => "timestamp_out_of_tolerance",
            Error::InvalidSecret => "invalid_secret",
            Error::ClockUnavailable => "clock_unavailable",
            Error::BodyAlreadyParsed => "body_already_parsed",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::InvalidOption { .. } => "invalid_option",
        }
    }

    /// The JSON path of the field an `invalid_envelope` names (e.g. `data.title`); `None` for
    /// every other error. Safe to log and return: a name, never a value.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidEnvelope { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Whether the body was authentic: the error was found after its signature verified
    /// (`invalid_json`, `invalid_envelope`). Such a delivery came from AtlasBrokers and will
    /// not be sent again: store the body you verified before answering, rather than lose it.
    /// (When raised by [`Envelope::parse`](crate::Envelope::parse), which checks no
    /// signature, it only says the body was read.)
    pub fn is_authentic(&self) -> bool {
        matches!(
            self,
            Error::InvalidJson { .. } | Error::InvalidEnvelope { .. }
        )
    }

    /// The HTTP status a receiver should answer with.
    ///
    /// Authentication failures are `401`, an oversized body `413`, an authentic but unusable
    /// body `400`, and a receiver misconfiguration `500`.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::MissingSignature
            | Error::MalformedSignature(_)
            | Error::SignatureMismatch
            | Error::TimestampOutOfTolerance { .. } => 401,
            Error::BodyTooLarge { .. } => 413,
            Error::InvalidJson { .. } | Error::InvalidEnvelope { .. } => 400,
            Error::MethodNotAllowed => 405,
            Error::InvalidSecret
            | Error::ClockUnavailable
            | Error::BodyAlreadyParsed
            | Error::InvalidOption { .. } => 500,
        }
    }

    /// Every code this crate can produce, for documentation and exhaustive tests.
    pub const CODES: [&'static str; 12] = [
        "missing_signature",
        "malformed_signature",
        "signature_mismatch",
        "body_too_large",
        "invalid_json",
        "invalid_envelope",
        "timestamp_out_of_tolerance",
        "invalid_secret",
        "clock_unavailable",
        "body_already_parsed",
        "method_not_allowed",
        "invalid_option",
    ];

    pub(crate) fn envelope(field: &'static str, expected: &'static str) -> Self {
        Error::InvalidEnvelope { field, expected }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingSignature => f.write_str(
                "missing X-Webhook-Secret header: AtlasBrokers sends it on every delivery once a \
                 webhook secret is set (Settings > Webhooks); set one there and pass the header's value",
            ),
            Error::MalformedSignature(Malformed::Length { found }) => write!(
                f,
                "malformed X-Webhook-Secret header: expected 64 hexadecimal characters \
                 (HMAC-SHA256), got {found}; pass the header's value unchanged"
            ),
            Error::MalformedSignature(Malformed::NotHex) => f.write_str(
                "malformed X-Webhook-Secret header: it has 64 characters but not all are \
                 hexadecimal digits; pass the header's value unchanged",
            ),
            Error::SignatureMismatch => f.write_str(
                "signature mismatch: the X-Webhook-Secret header does not match the body for any \
                 configured secret. The signature covers the raw body bytes exactly as received: \
                 verify before any JSON parsing (a parsed and re-serialized body never verifies), \
                 and check that the secret is the one in AtlasBrokers Settings > Webhooks",
            ),
            Error::BodyTooLarge { size, max } => write!(
                f,
                "body too large: {size} bytes exceeds the limit of {max} bytes; raise the \
                 verifier's maximum body size if such deliveries are expected"
            ),
            Error::InvalidJson { line, column } => write!(
                f,
                "invalid JSON at line {line}, column {column}: the signature is valid but the \
                 body is not a JSON document; report the delivery to AtlasBrokers support"
            ),
            Error::InvalidEnvelope { field, expected } => write!(
                f,
                "invalid envelope: field `{field}` must be {expected}; the signature is valid, so \
                 the payload format changed: update atlasbrokers-webhooks or report it"
            ),
            Error::TimestampOutOfTolerance {
                skew_seconds,
                tolerance_seconds,
            } => {
                let (amount, direction) = if *skew_seconds < 0 {
                    (skew_seconds.unsigned_abs(), "old")
                } else {
                    (skew_seconds.unsigned_abs(), "in the future")
                };
                write!(
                    f,
                    "timestamp out of tolerance: the event is {amount} s {direction}, outside the \
                     {tolerance_seconds} s window; a replayed or delayed delivery, or a wrong \
                     clock: widen the tolerance (AtlasBrokers' Replay re-sends old events) or \
                     pass the time the delivery was received"
                )
            }
            Error::InvalidSecret => f.write_str(
                "invalid secret: a webhook secret is empty; copy it from AtlasBrokers \
                 Settings > Webhooks",
            ),
            Error::ClockUnavailable => f.write_str(
                "no clock: a timestamp tolerance is set but this target has no system clock; \
                 pass the receive time explicitly (received_at)",
            ),
            Error::BodyAlreadyParsed => f.write_str(
                "body already parsed: something parsed or read the request body before the \
                 verifier, so its raw bytes (which the signature covers) are gone. Give this route \
                 the raw body: mount the webhook middleware before any body parser (Express: \
                 express.raw({ type: \"application/json\" }), not express.json(); NestJS: \
                 NestFactory.create(AppModule, { rawBody: true })), or call webhook.handle(request) \
                 before request.json() or request.text(). The package README's \"Getting the raw \
                 body\" shows each framework",
            ),
            Error::MethodNotAllowed => f.write_str(
                "method not allowed: AtlasBrokers delivers webhooks with POST; send a POST",
            ),
            Error::InvalidOption { name, expected } => write!(
                f,
                "invalid option `{name}`: it must be {expected}; fix the value passed to the \
                 verifier, or leave it out for the default"
            ),
        }
    }
}

impl std::error::Error for Error {}
