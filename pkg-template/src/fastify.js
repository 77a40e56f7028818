// Fastify plugin: `fastify.register(fastifyWebhooks, { webhook, path })`. A plugin gets its own
// encapsulated context, so the body handling below applies to the webhook route only and every
// other route keeps Fastify's JSON parsing. It uses only the instance it is given (no Fastify
// import, no Node imports), so it ships in every entry.
import { answerDelivery } from "./request.js";
import { bodyReadBefore } from "./body-read-before.js";

/** Registers `path` (default `/webhooks/atlasbrokers`, under the register() prefix) in this context. */
export async function fastifyWebhooks(fastify, options = {}) {
  const { webhook, path = "/webhooks/atlasbrokers" } = options;
  if (typeof webhook?.verifyAndReceive !== "function") {
    throw new TypeError("fastifyWebhooks: pass the Webhook as an option: fastify.register(fastifyWebhooks, { webhook })");
  }
  // Whatever the content type (or none), the parser leaves the body unread and keeps its stream
  // (after any preParsing hook) for answerDelivery, which reads the exact bytes up to
  // webhook.maxBodyBytes. Fastify's JSON parser would have thrown the bytes away.
  const streams = new WeakMap();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser("*", (request, payload, done) => {
    streams.set(request, payload);
    done(null, undefined);
  });
  // Every method, so a GET is told 405 and Allow: POST rather than 404.
  fastify.all(path, async (request, reply) => {
    const stream = streams.get(request) ?? request.raw;
    const { status, headers, body } = await answerDelivery(webhook, {
      method: request.method,
      headers: request.headers,
      // Undefined unless one of your hooks set request.body (a parsed object: body_already_parsed).
      body: bodyReadBefore({ body: request.body }, stream),
      declaredSize: Number(request.headers["content-length"] ?? NaN),
      chunks: stream,
      stop: () => stream.resume?.(), // drain the rest so the connection can answer
    });
    // A string with a JSON content type is sent as it is.
    return reply.code(status).headers(headers).send(body);
  });
}
// Fastify names the plugin by this in its errors and printPlugins().
fastifyWebhooks[Symbol.for("fastify.display-name")] = "atlasbrokers-webhooks";
