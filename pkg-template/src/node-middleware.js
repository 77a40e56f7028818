// Middleware for node:http, Express and Connect. Uses only the request/response objects it is
// given (no Node imports), so it ships in every entry.
import { bodyTooLargeError, methodNotAllowedError } from "./glue.js";
import { fromCore } from "./errors.js";
import { HEADER, concat } from "./body.js";
import { errorBody } from "./webhook.js";

/**
 * `(req, res, next?)`: handles POSTs to `path`, passes other paths to `next` (404 without it).
 * Verifies the raw body, runs the Webhook's handlers and answers 200 or the error's status.
 */
export function createNodeMiddleware(webhook, { path = "/webhooks/atlasbrokers" } = {}) {
  return async function atlasbrokersWebhooks(req, res, next) {
    const pathname = (req.originalUrl ?? req.url ?? "").split("?")[0];
    if (pathname !== path) {
      if (typeof next === "function") return next();
      return send(res, 404, { error: "not_found", message: `no webhook route at ${pathname}; POST to ${path}` });
    }
    if (req.method !== "POST") {
      const [status, body] = errorBody(fromCore(methodNotAllowedError()));
      return send(res, status, body, { allow: "POST" });
    }
    try {
      const body = await rawRequestBody(req, webhook.maxBodyBytes);
      const { event } = await webhook.verifyAndReceive(body, req.headers[HEADER]);
      send(res, 200, { status: "ok", event: event.event, idempotencyKey: event.idempotencyKey });
    } catch (error) {
      const [status, body] = errorBody(error);
      send(res, status, body);
    }
  };
}

/** The raw body: what a raw/text body parser left in `req.body`, else read from the stream. */
async function rawRequestBody(req, max) {
  const parsed = req.body;
  const untouched =
    parsed === undefined ||
    // Express 4's parsers leave `{}` when the content type did not match and the stream unread.
    (isEmptyObject(parsed) && !req.readableEnded && !req.complete);
  if (!untouched) return parsed; // string/Buffer verify; an object raises body_already_parsed
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > max) {
      req.resume?.(); // drain the rest so the connection can answer
      throw fromCore(bodyTooLargeError(size, max));
    }
    chunks.push(bytes);
  }
  return concat(chunks, size);
}

function isEmptyObject(value) {
  return value !== null && typeof value === "object" && !ArrayBuffer.isView(value) && Object.keys(value).length === 0;
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}
