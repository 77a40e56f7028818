// Koa middleware. Uses only the context it is given (no Koa import, no Node imports), so it ships
// in every entry.
import { answerDelivery } from "./request.js";
import { bodyReadBefore } from "./body-read-before.js";

/**
 * `async (ctx, next)`: answers requests to `path` (default `/webhooks/atlasbrokers`), passes
 * others to `next`. Reads `ctx.req` itself, or takes the raw body a body parser kept
 * (`ctx.request.rawBody`, as koa-bodyparser does); a parsed body without it is body_already_parsed.
 */
export function createKoaMiddleware(webhook, { path = "/webhooks/atlasbrokers" } = {}) {
  return async function atlasbrokersWebhooks(ctx, next) {
    if (ctx.path !== path) return next();
    const { status, headers, body } = await answerDelivery(webhook, {
      method: ctx.method,
      headers: ctx.headers,
      body: bodyReadBefore({ rawBody: ctx.request.rawBody ?? ctx.req.rawBody, body: ctx.request.body }, ctx.req),
      declaredSize: NaN,
      chunks: ctx.req,
      stop: () => ctx.req.resume(), // drain the rest so the connection can answer
    });
    ctx.status = status;
    ctx.set(headers); // before the body, so Koa keeps our JSON content type
    ctx.body = body;
  };
}
