// Generated from the core crate (src/) by `make generate`: edit the source, not this file.

/** The header AtlasBrokers signs deliveries in. */
export const HEADER_NAME = "X-Webhook-Secret";

/** The body limit when none is set, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1048576;
