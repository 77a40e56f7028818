// The one request algorithm behind handle() (fetch-handler.js) and createNodeMiddleware
// (node-middleware.js): method check, read the body up to the limit, verify, run the handlers,
// answer. It returns a plain answer, `{ status, headers, body }` with `body` JSON text; the
// adapters only translate requests in and answers out.
import { bodyTooLargeError, methodNotAllowedError } from "./glue.js";
import { WebhookHandlerError, WebhookVerificationError, fromCore } from "./errors.js";

const encoder = new TextEncoder();

/**
 * Answers one delivery. `request`, as an adapter describes it:
 * - `method`: the HTTP method;
 * - `headers`: a Fetch `Headers` or a Node headers object (signature-header.js finds the
 *   signature in it);
 * - `body`: the raw body when something already read it (a raw/text body parser), else undefined;
 * - `declaredSize`: a Content-Length to refuse an oversize body by, unread (NaN: none);
 * - `chunks`: an async iterable of the body's chunks (Uint8Array or string), read otherwise;
 *   left early (its `return()`) when the body is over the limit;
 * - `stop()` (optional): called first when the body is over the limit.
 * Only verification and handler failures reach onError(); a request refused before that (wrong
 * method, oversize body) does not.
 */
export async function answerDelivery(webhook, request) {
  if (request.method !== "POST") {
    return errorAnswer(fromCore(methodNotAllowedError()), { allow: "POST" });
  }
  try {
    const body = request.body !== undefined ? request.body : await readLimited(request, webhook.maxBodyBytes);
    const { event } = await webhook.verifyAndReceive(body, request.headers);
    return jsonAnswer(200, { status: "ok", event: event.event, idempotencyKey: event.idempotencyKey });
  } catch (error) {
    return errorAnswer(error);
  }
}

/** A JSON answer. */
export function jsonAnswer(status, body, headers) {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** The answer for an error: its own status and code, or a 500 that leaks nothing. */
function errorAnswer(error, headers) {
  if (error instanceof WebhookVerificationError) {
    return jsonAnswer(error.status, { error: error.code, message: error.message }, headers);
  }
  if (error instanceof WebhookHandlerError) {
    // Handler errors may quote payload data (PII): the sender only learns that they failed.
    return jsonAnswer(500, { error: error.code, message: `${error.errors.length} webhook handler(s) failed` }, headers);
  }
  return jsonAnswer(500, { error: "internal_error", message: "the webhook receiver failed" }, headers);
}

/** The body, read until its end or until it exceeds `max` bytes (then body_too_large). */
async function readLimited(request, max) {
  const declared = request.declaredSize;
  if (declared > max) throw fromCore(bodyTooLargeError(declared, max));
  const chunks = [];
  let size = 0;
  for await (const chunk of request.chunks) {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > max) {
      request.stop?.();
      throw fromCore(bodyTooLargeError(size, max)); // leaves the loop: the source's return()
    }
    chunks.push(bytes);
  }
  return concat(chunks, size);
}

function concat(chunks, size) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
