// Errors the package raises. Codes, statuses and messages of verification errors come from the
// Rust core (one list for Rust, JS and the edge verifier); only handler failures are JS-only.
import { VerifyError } from "./glue.js";

/**
 * A delivery that must not be trusted or could not be read: `.code`, `.status`, `.message`, and
 * `.authentic`: true when the signature verified before the problem was found (`invalid_json`,
 * `invalid_envelope`); then `.body` holds the verified raw body and `.deliveryId` its id.
 */
export class WebhookVerificationError extends Error {
  constructor(message, code, status, authentic = false) {
    super(message);
    this.name = "WebhookVerificationError";
    this.code = code;
    this.status = status;
    // The http-errors names too, so a verify() thrown from a NestJS, Fastify or Koa route is
    // answered with its status (Nest answers other errors with a bare 500). The message is
    // written for the sender and never holds the secret or the payload: safe to expose.
    this.statusCode = status;
    this.expose = true;
    this.authentic = authentic;
  }
}

/** One or more `on()` handlers failed; `.errors` holds their errors, `.results` every outcome. */
export class WebhookHandlerError extends AggregateError {
  constructor(errors, results, event) {
    super(
      errors,
      `${errors.length} of ${results.length} webhook handler(s) failed for ${event.event}; ` +
        "see .errors (the other handlers' results are in .results)",
    );
    this.name = "WebhookHandlerError";
    this.code = "handler_failed";
    this.status = 500;
    this.statusCode = 500;
    // Handlers' own errors may quote the payload: frameworks must not show this message.
    this.expose = false;
    this.results = results;
    this.event = event;
  }
}

/** Runs a wasm call, turning the core's error into a WebhookVerificationError. */
export function callCore(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromCore(e);
  }
}

export function fromCore(e) {
  if (!(e instanceof VerifyError)) return e;
  const error = new WebhookVerificationError(e.message, e.code, e.status, e.authentic);
  e.free();
  return error;
}
