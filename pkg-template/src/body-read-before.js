// What a body parser that ran before an adapter left behind, for the Node-stream adapters
// (node-middleware.js, koa.js, fastify.js). Uses only the values it is given.

/**
 * The raw body something already read, or undefined when it is still to be read from `stream`:
 * `rawBody` first (NestJS with `rawBody: true`, koa-bodyparser and some hosts keep the bytes there
 * beside a parsed body), then `body` as a raw/text parser left it (a string or Buffer verifies; a
 * parsed object makes verify() raise body_already_parsed).
 */
export function bodyReadBefore({ rawBody, body }, stream) {
  if (typeof rawBody === "string" || rawBody instanceof Uint8Array) return rawBody;
  if (body == null) return undefined;
  // Express 4's parsers and koa-bodyparser leave `{}` when the content type did not match and the
  // stream unread.
  if (isEmptyObject(body) && !stream.readableEnded && !stream.complete) return undefined;
  return body;
}

function isEmptyObject(value) {
  return typeof value === "object" && !ArrayBuffer.isView(value) && Object.keys(value).length === 0;
}
