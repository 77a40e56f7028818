// Next.js 16 App Router (tests/frameworks/next/): the README's route handler on the Node.js
// runtime and on the Edge runtime, built once with a real `next build` (Turbopack, Next's
// default) and served by `next start`. The edge routes run where compiling WebAssembly from
// bytes is refused (as on Vercel; next/lib/refuse-wasm-from-bytes.js), so they only work through
// the package's edge-light entry; the portable entry is shown failing there.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sign } from "atlasbrokers-webhooks";
import { BIN, ROOT, freePort, run, start, waitForHttp } from "../js/helpers.mjs";
import { SECRET, WON, WON_KEY, TAMPERED, post } from "./node-adapter-cases.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.join(HERE, "node_modules", "atlasbrokers-webhooks");
// The README's route lines, as the app's route files have them.
const ROUTE = [
  'const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET).on("deal.won", recordWin);',
  "export const POST = (request) => webhook.handle(request);",
];
const FIX = /webhook\.handle\(request\) before request\.json\(\)/;
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ATLAS_WEBHOOK_SECRET: SECRET, NODE_ENV: "production" };

// Built in a scratch copy under target/ (ignored by git, inside the root that Turbopack infers
// from the lockfile, so next and react resolve from the root's node_modules), with the unpacked
// tarball as its own node_modules/atlasbrokers-webhooks.
let app;
let server;
let base;
let buildMs;

test.before(async () => {
  assert.ok(fs.existsSync(path.join(PKG, "package.json")), "unpack the tarball into tests/frameworks/node_modules (make test-js)");
  fs.mkdirSync(path.join(ROOT, "target"), { recursive: true });
  app = fs.mkdtempSync(path.join(ROOT, "target", "next-app-"));
  fs.cpSync(path.join(HERE, "next"), app, { recursive: true });
  fs.cpSync(PKG, path.join(app, "node_modules", "atlasbrokers-webhooks"), { recursive: true });
  const began = Date.now();
  await run(path.join(BIN, "next"), ["build"], { cwd: app, env: ENV, timeout: 300_000 });
  buildMs = Date.now() - began;
  const port = await freePort();
  server = start(path.join(BIN, "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: app, env: ENV });
  base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/node`, 60_000, server);
});

test.after(() => {
  server?.stop();
  if (app) fs.rmSync(app, { recursive: true, force: true });
});

test("the README's Next.js lines are the ones the app's routes run", () => {
  const readme = fs.readFileSync(path.join(ROOT, "pkg-template", "README.md"), "utf8");
  const at = readme.indexOf("\n### Next.js App Router");
  assert.ok(at >= 0, 'README has a "### Next.js App Router" section');
  const section = readme.slice(at, readme.indexOf("\n##", at + 1));
  for (const line of [...ROUTE, 'export const runtime = "edge";']) assert.ok(section.includes(line), `README shows ${line}`);
  for (const runtime of ["node", "edge"]) {
    const source = fs.readFileSync(path.join(HERE, "next", "app", runtime, "route.js"), "utf8");
    for (const line of ROUTE) assert.ok(source.includes(`\n${line}\n`), `app/${runtime}/route.js runs ${line}`);
  }
});

test("next build bundled the edge routes with the edge-light entry, the Node routes without it", () => {
  console.log(`# next build: ${(buildMs / 1000).toFixed(1)} s`);
  const manifest = JSON.parse(fs.readFileSync(path.join(app, ".next", "server", "middleware-manifest.json"), "utf8"));
  // edge-light.mjs imports the .wasm as a module: Next ships it beside the edge function and
  // hands it over compiled. The portable entry inlines the bytes and brings no .wasm.
  for (const route of ["/edge/route", "/edge/parsed-first/route"]) {
    const fn = manifest.functions[route];
    assert.ok(fn, `${route} is an edge function`);
    assert.equal(fn.wasm?.length, 1, `${route} ships one .wasm module`);
    assert.match(fn.wasm[0].filePath, /atlasbrokers_webhooks_bg.*\.wasm$/);
  }
  assert.deepEqual(manifest.functions["/edge/portable/route"].wasm ?? [], [], "the portable entry brings no .wasm module");
  assert.equal(manifest.functions["/node/route"], undefined, "the Node route is not an edge function");
  // The edge bundle carries edge-light.mjs's code (the foreign-realm check), not the inlined bytes.
  const edgeChunks = manifest.functions["/edge/route"].files.filter((f) => f.endsWith(".js"));
  const edgeCode = edgeChunks.map((f) => fs.readFileSync(path.join(app, ".next", f), "utf8")).join("\n");
  assert.match(edgeCode, /\[object WebAssembly\.Module\]/);
  assert.doesNotMatch(edgeCode, /AGFzbQ/, "no base64 wasm (\\0asm) in the edge route's bundle");
  // The Node.js routes get the node entry: the inlined bytes, bundled with node:crypto's hash.
  const serverChunks = path.join(app, ".next", "server", "chunks");
  const withBytes = fs.readdirSync(serverChunks).filter((f) => f.endsWith(".js") && fs.readFileSync(path.join(serverChunks, f), "utf8").includes("AGFzbQ"));
  assert.ok(withBytes.length > 0, "the Node.js server bundle inlines the wasm bytes");
  for (const f of withBytes) assert.match(fs.readFileSync(path.join(serverChunks, f), "utf8"), /"node:crypto"/, f);
});

for (const runtime of ["node", "edge"]) {
  test(`${runtime} runtime: signed 200 to the typed deal.won handler, tampered 401, parsed-first body_already_parsed, GET 405`, async () => {
    const url = `${base}/${runtime}`;
    const wins = async () => (await fetch(url, { method: "PUT" })).json();
    const before = (await wins()).length;

    const ok = await post(url, WON);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { status: "ok", event: "deal.won", idempotencyKey: WON_KEY });
    assert.deepEqual((await wins()).slice(before), [
      { title: "Home Insurance Policy — Mitchell", value: 2400, key: WON_KEY, runtime },
    ]);

    const tampered = await post(url, TAMPERED, { signature: sign(SECRET, WON) });
    assert.deepEqual([tampered.status, tampered.body.error], [401, "signature_mismatch"]);

    const parsed = await post(`${url}/parsed-first`, WON);
    assert.equal(parsed.status, 500, JSON.stringify(parsed.body));
    assert.equal(parsed.body.error, "body_already_parsed");
    assert.match(parsed.body.message, FIX);

    // The route exports POST only: Next answers other methods itself.
    assert.equal((await fetch(url)).status, 405);
    assert.equal((await wins()).length, before + 1, "nothing unauthenticated reached the handler");
  });
}

test("edge runtime: the portable entry (wasm compiled from bytes) fails where the edge-light entry works", async () => {
  const res = await fetch(`${base}/edge/portable`);
  assert.equal(res.status, 200);
  const answer = await res.json();
  assert.equal(answer.loaded, false, "index.mjs must not load where compiling from bytes is refused");
  assert.match(answer.error, /CompileError: Wasm code generation disallowed/);
});
