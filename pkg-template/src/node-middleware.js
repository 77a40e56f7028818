// Middleware for node:http, Express (4 and 5), Connect and NestJS. Uses only the request/response
// objects it is given (no Node imports), so it ships in every entry.
import { answerDelivery, jsonAnswer } from "./request.js";
import { bodyReadBefore } from "./body-read-before.js";

/**
 * `(req, res, next?)`: handles POSTs to `path`, passes other paths to `next` (404 without it).
 * Verifies the raw body, runs the Webhook's handlers and answers 200 or the error's status.
 */
export function createNodeMiddleware(webhook, { path = "/webhooks/atlasbrokers" } = {}) {
  return async function atlasbrokersWebhooks(req, res, next) {
    const pathname = (req.originalUrl ?? req.url ?? "").split("?")[0];
    if (pathname !== path) {
      if (typeof next === "function") return next();
      return send(res, jsonAnswer(404, { error: "not_found", message: `no webhook route at ${pathname}; POST to ${path}` }));
    }
    send(
      res,
      await answerDelivery(webhook, {
        method: req.method,
        headers: req.headers,
        body: bodyReadBefore(req, req),
        declaredSize: NaN,
        chunks: req,
        stop: () => req.resume?.(), // drain the rest so the connection can answer
      }),
    );
  };
}

function send(res, { status, headers, body }) {
  res.statusCode = status;
  for (const name in headers) res.setHeader(name, headers[name]);
  res.end(body);
}
