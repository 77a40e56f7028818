// Hono with the README's one line, `app.all(path, (c) => webhook.handle(c.req.raw))`: on Node
// through @hono/node-server, and on workerd through `wrangler dev --local` (tests/frameworks/
// hono-worker/), where wrangler must bundle the package's workerd.mjs and its .wasm module.
import { createHash } from "node:crypto";
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { sign } from "atlasbrokers-webhooks";
import { BIN, ROOT, WRANGLER_ENV, freePort, run, startWranglerDev } from "../js/helpers.mjs";
import { SECRET, WON, WON_KEY, TAMPERED, receiver, post, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, "hono-worker");
const PKG = path.join(HERE, "node_modules", "atlasbrokers-webhooks");
const ROUTE = 'app.all("/webhooks/atlasbrokers", (c) => webhook.handle(c.req.raw));';
// What the message of body_already_parsed tells a Fetch-handler user to do.
const FIX = /webhook\.handle\(request\) before request\.json\(\)/;

/** The README's "### Hono" section. */
function readmeSection() {
  const readme = fs.readFileSync(path.join(ROOT, "pkg-template", "README.md"), "utf8");
  const start = readme.indexOf("\n### Hono");
  assert.ok(start >= 0, 'README has a "### Hono" section');
  const end = readme.indexOf("\n##", start + 1);
  return readme.slice(start, end);
}

test("the README's Hono lines are the ones these apps run", () => {
  const section = readmeSection();
  assert.ok(section.includes(ROUTE), `README shows ${ROUTE}`);
  assert.ok(section.includes('import { env } from "cloudflare:workers";'), "README shows where the Workers secret comes from");
  assert.ok(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").includes(`\n  ${ROUTE}\n`), "the Node app runs it");
  assert.ok(fs.readFileSync(path.join(WORKER, "src", "index.mjs"), "utf8").includes(`\n${ROUTE}\n`), "the worker runs it");
});

test("Hono on Node (@hono/node-server): signed 200 to a typed handler, tampered 401, parsed-first body_already_parsed, GET 405", async () => {
  const { webhook, seen } = receiver();
  const app = new Hono();
  app.all("/webhooks/atlasbrokers", (c) => webhook.handle(c.req.raw));
  // A route where Hono's JSON reader ran first (as a json validator middleware would).
  app.post("/webhooks/parsed-first", async (c) => {
    await c.req.json();
    return webhook.handle(c.req.raw);
  });
  app.get("/", (c) => c.text("other routes still answer"));

  const port = await freePort();
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await assertDeliveryCases(`${base}/webhooks/atlasbrokers`, seen);
    // @hono/node-server reads the body straight from the socket for c.req.json() and then
    // reports bodyUsed: handle() says so instead of verifying nothing.
    await assertAlreadyParsed(`${base}/webhooks/parsed-first`, seen, FIX);
    const other = await fetch(`${base}/`);
    assert.deepEqual([other.status, await other.text()], [200, "other routes still answer"]);
  } finally {
    await new Promise((resolve) => (server.close(resolve), server.closeIdleConnections?.()));
  }
});

test("Hono on workerd (wrangler dev --local): bundles workerd.mjs and its .wasm module, and answers alike", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hono-worker-"));
  try {
    // wrangler's own bundle of the worker: the package resolved to workerd.mjs, whose .wasm is
    // imported as a module (workerd refuses WebAssembly compiled from bytes).
    const out = path.join(tmp, "dist");
    await run(path.join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", out], { cwd: WORKER, env: WRANGLER_ENV });
    const bundle = fs.readFileSync(path.join(out, "index.js"), "utf8");
    assert.match(bundle, /^\/\/ \S*node_modules\/atlasbrokers-webhooks\/workerd\.mjs$/m);
    assert.doesNotMatch(bundle, /^\/\/ \S*node_modules\/atlasbrokers-webhooks\/(index|node)\.mjs$/m);
    const wasmImport = bundle.match(/^import \w+ from "\.\/(\w+-atlasbrokers_webhooks_bg\.wasm)";$/m);
    assert.ok(wasmImport, "the bundle imports the .wasm as a module");
    assert.ok(fs.readFileSync(path.join(out, wasmImport[1])).equals(fs.readFileSync(path.join(PKG, "atlasbrokers_webhooks_bg.wasm"))), "the package's own .wasm is uploaded");

    const { proc, base } = await startWranglerDev(["--show-interactive-dev-session=false", "--persist-to", path.join(tmp, "state")], {
      cwd: WORKER,
      env: WRANGLER_ENV,
    });
    try {
      const url = `${base}/webhooks/atlasbrokers`;
      const ok = await post(url, WON);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body, { status: "ok", event: "deal.won", idempotencyKey: WON_KEY });
      assert.equal(WON_KEY, createHash("sha256").update(WON).digest("hex"));
      const seen = async () => (await fetch(`${base}/seen`)).json();
      assert.deepEqual(await seen(), [{ value: 2400, closedAt: "string", key: WON_KEY }]);

      const tampered = await post(url, TAMPERED, { signature: sign(SECRET, WON) });
      assert.deepEqual([tampered.status, tampered.body.error], [401, "signature_mismatch"]);

      const parsed = await post(`${base}/webhooks/parsed-first`, WON);
      assert.equal(parsed.status, 500, JSON.stringify(parsed.body));
      assert.equal(parsed.body.error, "body_already_parsed");
      assert.match(parsed.body.message, FIX);

      const get = await fetch(url);
      assert.deepEqual([get.status, get.headers.get("allow"), (await get.json()).error], [405, "POST", "method_not_allowed"]);
      const other = await fetch(`${base}/`);
      assert.deepEqual([other.status, await other.text()], [200, "other routes still answer"]);
      assert.equal((await seen()).length, 1, "nothing unauthenticated reached the handler");
    } finally {
      proc.stop();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
