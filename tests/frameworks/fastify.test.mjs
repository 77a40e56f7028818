// fastifyWebhooks in a real Fastify 5 app: registered as a plugin, its own content-type handling
// stays in its encapsulated context (a JSON route beside it still gets a parsed object), and a
// route of your own that verifies Fastify's parsed request.body is told body_already_parsed.
import test from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import { fastifyWebhooks, sign } from "atlasbrokers-webhooks";
import { SECRET, WON, receiver, post, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";
import { freePort } from "../js/helpers.mjs";

test("Fastify 5: fastifyWebhooks plugin", async (t) => {
  const { webhook, seen } = receiver({ maxBodyBytes: 4096 });
  const app = Fastify();
  await app.register(fastifyWebhooks, { webhook });
  await app.register(fastifyWebhooks, { webhook, prefix: "/v2", path: "/hook" });
  // A hook of yours that parses bodies before the plugin's handler runs.
  await app.register(async (scope) => {
    scope.addHook("preValidation", async (request) => {
      request.body = { parsedBy: "a hook" };
    });
    await scope.register(fastifyWebhooks, { webhook, path: "/hooked/hook" });
  });
  app.post("/api/echo", async (request) => ({ echoed: request.body }));
  // The mistake the plugin exists to avoid: verifying what Fastify's JSON parser made of the body.
  app.post("/mine/hook", async (request) => {
    const { event } = await webhook.verifyAndReceive(request.body, request.headers);
    return { event: event.event };
  });
  await app.listen({ port: await freePort(), host: "127.0.0.1" });
  const url = `http://127.0.0.1:${app.server.address().port}`;
  try {
    await t.test("signed, tampered, GET", () => assertDeliveryCases(url + "/webhooks/atlasbrokers", seen));
    await t.test("under a register() prefix and its own path", () => assertDeliveryCases(url + "/v2/hook", seen));
    await t.test("any content type, or none, reaches the verifier as bytes", async () => {
      assert.equal((await post(url + "/webhooks/atlasbrokers", WON, { type: "text/plain" })).status, 200);
      assert.equal((await post(url + "/webhooks/atlasbrokers", WON, { type: "application/vnd.atlas+json; charset=utf-8" })).status, 200);
      const bare = await fetch(url + "/webhooks/atlasbrokers", {
        method: "POST",
        headers: { "x-webhook-secret": sign(SECRET, WON) },
        body: new TextEncoder().encode(WON), // no content type at all
      });
      assert.equal(bare.status, 200, await bare.text());
    });
    await t.test("a body over maxBodyBytes: 413 body_too_large", async () => {
      const big = await post(url + "/webhooks/atlasbrokers", "x".repeat(5000));
      assert.deepEqual([big.status, big.body.error], [413, "body_too_large"]);
    });
    await t.test("other routes keep Fastify's JSON parsing", async () => {
      const echo = await post(url + "/api/echo", '{"a":1}');
      assert.deepEqual([echo.status, echo.body], [200, { echoed: { a: 1 } }]);
    });
    await t.test("a hook that set request.body first: body_already_parsed", () =>
      assertAlreadyParsed(url + "/hooked/hook", seen, /raw body/),
    );
    await t.test("your own route verifying request.body: body_already_parsed, Fastify's error shape", async () => {
      const before = seen.length;
      const res = await post(url + "/mine/hook", WON);
      // Fastify's error handler takes the error's status and code.
      assert.deepEqual([res.status, res.body.code], [500, "body_already_parsed"]);
      assert.match(res.body.message, /raw body/);
      assert.equal(seen.length, before);
    });
  } finally {
    await app.close();
  }
});
