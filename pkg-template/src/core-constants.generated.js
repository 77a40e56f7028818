// Generated from the core crate (src/) by `make generate`: edit the source, not this file.

/** The header AtlasBrokers signs deliveries in. */
export const HEADER_NAME = "X-Webhook-Secret";

/** The body limit when none is set, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1048576;

/** Every stable error code the core produces. */
export const ERROR_CODES = Object.freeze([
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
]);
