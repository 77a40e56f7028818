// createNodeMiddleware against a real node:http server and real Express apps, and
// Webhook#handle against real Fetch Request objects.
import { createHash } from "node:crypto";
import test from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import express from "express";
import { Webhook, createNodeMiddleware, sign, sampleBody } from "atlasbrokers-webhooks";

const SECRET = "whsec_middleware_0a9c";
const won = sampleBody("deal.won");
const PATH = "/webhooks/atlasbrokers";

/** Starts `handler` on an ephemeral loopback port; returns its base URL and a close function. */
async function serve(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  // Idle keep-alive connections are closed first: Node 18's close() would wait out their timeout.
  const close = () => new Promise((r) => (server.close(r), server.closeIdleConnections()));
  return { url: `http://127.0.0.1:${port}`, close };
}

async function post(url, body, header = sign(SECRET, body), extra = {}) {
  const headers = { "content-type": "application/json", ...extra };
  if (header !== null) headers["x-webhook-secret"] = header;
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

function receiver() {
  const received = [];
  const webhook = new Webhook(SECRET, { maxBodyBytes: 4096 }).on("deal.won", (e) => received.push(e.data.value));
  return { webhook, received };
}

test("node:http: verifies, runs handlers, answers each failure with its code", async () => {
  const { webhook, received } = receiver();
  const server = await serve(createNodeMiddleware(webhook));
  try {
    const ok = await post(server.url + PATH, won);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, {
      status: "ok",
      event: "deal.won",
      idempotencyKey: createHash("sha256").update(won).digest("hex"),
    });
    assert.deepEqual(received, [2400]);

    assert.equal((await post(server.url + PATH + "?source=atlas", won)).status, 200, "query strings are ignored");
    const bad = await post(server.url + PATH, won, sign("wrong", won));
    assert.deepEqual([bad.status, bad.body.error], [401, "signature_mismatch"]);
    const missing = await post(server.url + PATH, won, null);
    assert.deepEqual([missing.status, missing.body.error], [401, "missing_signature"]);
    const big = "x".repeat(5000);
    const tooBig = await post(server.url + PATH, big);
    assert.deepEqual([tooBig.status, tooBig.body.error], [413, "body_too_large"]);
    const get = await fetch(server.url + PATH);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    assert.equal((await get.json()).error, "method_not_allowed");
    const other = await post(server.url + "/elsewhere", won);
    assert.deepEqual([other.status, other.body.error], [404, "not_found"]);
    assert.equal(received.length, 2, "nothing unauthenticated reached a handler");
  } finally {
    await server.close();
  }
});

test("node:http: a failing handler answers 500 handler_failed without leaking its message", async () => {
  const webhook = new Webhook(SECRET).on("deal.won", () => {
    throw new Error("could not save amelie.tremblay@example.ca");
  });
  const server = await serve(createNodeMiddleware(webhook, { path: "/hooks" }));
  try {
    const res = await post(server.url + "/hooks", won);
    assert.equal(res.status, 500);
    assert.equal(res.body.error, "handler_failed");
    assert.ok(!JSON.stringify(res.body).includes("amelie"));
  } finally {
    await server.close();
  }
});

test("Express: middleware mounted before body parsers, other routes untouched", async () => {
  const { webhook, received } = receiver();
  const app = express();
  app.use(createNodeMiddleware(webhook));
  app.use(express.json());
  app.post("/api/echo", (req, res) => res.json({ echoed: req.body }));
  const server = await serve(app);
  try {
    assert.equal((await post(server.url + PATH, won)).status, 200);
    assert.deepEqual(received, [2400]);
    const echo = await post(server.url + "/api/echo", '{"a":1}');
    assert.deepEqual(echo.body, { echoed: { a: 1 } }, "next() passes other paths on");
  } finally {
    await server.close();
  }
});

test("Express: express.raw() before the middleware verifies", async () => {
  const { webhook, received } = receiver();
  const app = express();
  app.post(PATH, express.raw({ type: "application/json" }), createNodeMiddleware(webhook));
  const server = await serve(app);
  try {
    assert.equal((await post(server.url + PATH, won)).status, 200);
    assert.deepEqual(received, [2400]);
  } finally {
    await server.close();
  }
});

test("Express: express.json() before the middleware answers body_already_parsed naming express.raw", async () => {
  const { webhook, received } = receiver();
  const app = express();
  app.use(express.json());
  app.use(createNodeMiddleware(webhook));
  const server = await serve(app);
  try {
    const res = await post(server.url + PATH, won);
    assert.equal(res.status, 500);
    assert.equal(res.body.error, "body_already_parsed");
    assert.match(res.body.message, /express\.raw\(\{ type: "application\/json" \}\)/);
    assert.deepEqual(received, []);
  } finally {
    await server.close();
  }
});

test("handle(): real Request objects in, Response out", async () => {
  const { webhook, received } = receiver();
  const url = "https://receiver.example" + PATH;
  const request = (body, header = sign(SECRET, body), init = {}) =>
    new Request(url, { method: "POST", body, headers: { "x-webhook-secret": header }, ...init });

  const ok = await webhook.handle(request(won));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("content-type"), "application/json");
  assert.equal((await ok.json()).event, "deal.won");
  assert.deepEqual(received, [2400]);

  const bytes = await webhook.handle(request(new TextEncoder().encode(won), sign(SECRET, won)));
  assert.equal(bytes.status, 200);

  const mismatch = await webhook.handle(request(won, sign("nope", won)));
  assert.deepEqual([mismatch.status, (await mismatch.json()).error], [401, "signature_mismatch"]);

  // A body something read first (request.json() before handle()): a clear answer, nothing run.
  const read = request(won);
  await read.json();
  const parsed = await webhook.handle(read);
  const parsedJson = await parsed.json();
  assert.deepEqual([parsed.status, parsedJson.error], [500, "body_already_parsed"]);
  assert.match(parsedJson.message, /webhook\.handle\(request\) before request\.json\(\)/);

  const get = await webhook.handle(new Request(url));
  assert.deepEqual([get.status, get.headers.get("allow"), (await get.json()).error], [405, "POST", "method_not_allowed"]);

  const declared = await webhook.handle(request("x".repeat(5000)));
  assert.deepEqual([declared.status, (await declared.json()).error], [413, "body_too_large"]);

  // A streamed body without Content-Length is cut off at the limit, not read to the end.
  let pulled = 0;
  const endless = new ReadableStream({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(1024));
    },
  });
  const streamed = await webhook.handle(
    new Request(url, { method: "POST", body: endless, duplex: "half", headers: { "x-webhook-secret": "0".repeat(64) } }),
  );
  assert.deepEqual([streamed.status, (await streamed.json()).error], [413, "body_too_large"]);
  assert.ok(pulled < 10, `read ${pulled} KiB of an endless body`);
  assert.equal(received.length, 2);
});
