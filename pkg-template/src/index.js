// The public API, shared by every entry point. The entries (entry-*.js) differ only in how the
// WebAssembly module is obtained; it is instantiated before any of this runs.
export { Webhook, sign } from "./webhook.js";
export { WebhookVerificationError, WebhookHandlerError } from "./errors.js";
export { createNodeMiddleware } from "./node-middleware.js";
export { fastifyWebhooks } from "./fastify.js";
export { createKoaMiddleware } from "./koa.js";
export { EVENT_TYPES, sampleBody } from "./catalog.generated.js";
export { HEADER_NAME } from "./core-constants.generated.js";
export { deliveryId } from "./delivery-id.js";
