// NestJS 12 (platform-express) apps built by nest/app.mjs, one per body option:
// - rawBody: true (the README's advice): every way of mounting the webhook verifies, JSON routes
//   still get parsed bodies;
// - bodyParser: false (the pitfall): the middleware reads the stream itself so the webhook works,
//   but every other route loses its parsed body;
// - the defaults: Nest's JSON parser runs first, the webhook answers body_already_parsed with a
//   message naming rawBody: true; only middleware given to app.use() before listen() runs ahead.
import test from "node:test";
import assert from "node:assert/strict";
import { createNestApp } from "./nest/app.mjs";
import { freePort } from "../js/helpers.mjs";
import { WON, WON_KEY, TAMPERED, SECRET, receiver, post, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";
import { sign } from "atlasbrokers-webhooks";

async function started(webhook, options) {
  const app = await createNestApp(webhook, options);
  const port = await freePort();
  await app.listen(port, "127.0.0.1");
  return { app, url: `http://127.0.0.1:${port}` };
}

async function echoes(url) {
  const res = await post(url + "/api/echo", '{"a":1}');
  assert.equal(res.status, 201);
  return res.body.echoed;
}

test("NestJS: NestFactory.create(AppModule, { rawBody: true })", async (t) => {
  const { webhook, seen } = receiver();
  const { app, url } = await started(webhook, { rawBody: true });
  try {
    await t.test("controller handing req/res to createNodeMiddleware", () => assertDeliveryCases(url + "/webhooks/atlasbrokers", seen));
    await t.test("module middleware (MiddlewareConsumer)", () => assertDeliveryCases(url + "/module/hook", seen));
    await t.test("controller verifying req.rawBody itself", async () => {
      const ok = await post(url + "/verify/hook", WON);
      assert.deepEqual([ok.status, ok.body], [200, { received: WON_KEY }]);
      const tampered = await post(url + "/verify/hook", TAMPERED, { signature: sign(SECRET, WON) });
      assert.deepEqual([tampered.status, tampered.body.error], [401, "signature_mismatch"]);
    });
    await t.test("controller letting verify()'s error through: Nest answers its status, not a bare 500", async () => {
      assert.equal((await post(url + "/verify/plain", WON)).status, 200);
      const tampered = await post(url + "/verify/plain", TAMPERED, { signature: sign(SECRET, WON) });
      assert.equal(tampered.status, 401);
      assert.match(tampered.body.message, /^signature mismatch/);
    });
    await t.test("JSON routes keep their parsed @Body()", async () => assert.deepEqual(await echoes(url), { a: 1 }));
  } finally {
    await app.close();
  }
});

test("NestJS: bodyParser: false, the pitfall", async (t) => {
  const { webhook, seen } = receiver();
  const { app, url } = await started(webhook, { bodyParser: false });
  try {
    await t.test("the middleware reads the stream itself", () => assertDeliveryCases(url + "/webhooks/atlasbrokers", seen));
    await t.test("but every other route loses its parsed body", async () => assert.equal(await echoes(url), null));
  } finally {
    await app.close();
  }
});

test("NestJS: default options (JSON parser first, no rawBody)", async (t) => {
  const { webhook, seen } = receiver();
  const { app, url } = await started(webhook, {});
  try {
    for (const path of ["/webhooks/atlasbrokers", "/module/hook", "/verify/hook"]) {
      await t.test(`${path}: body_already_parsed naming rawBody: true`, () =>
        assertAlreadyParsed(url + path, seen, /NestFactory\.create\(AppModule, \{ rawBody: true \}\)/),
      );
    }
    await t.test("app.use() before listen() runs ahead of Nest's parsers", () => assertDeliveryCases(url + "/early/hook", seen));
    await t.test("JSON routes parsed", async () => assert.deepEqual(await echoes(url), { a: 1 }));
  } finally {
    await app.close();
  }
});
