// The package installed as a user installs it: `npm pack`'s tarball into a fresh project, then
// require, import, esbuild bundles (node and browser platforms), Deno, Bun, and a JS worker
// under `wrangler dev --local`. Each asserts a verified, typed event. Catches files missing
// from `files` or `exports`.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { sampleBody } from "atlasbrokers-webhooks";
import { BIN, ROOT, WRANGLER_ENV, run, startWranglerDev } from "./helpers.mjs";

const tarball = fs.readdirSync(path.join(ROOT, "target")).find((f) => /^atlasbrokers-webhooks-.*\.tgz$/.test(f));
const project = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-install-"));
// The delivery id of the deal.won sample: SHA-256 of its exact bytes.
const EXPECTED = { event: "deal.won", value: 2400, key: createHash("sha256").update(sampleBody("deal.won")).digest("hex") };

const body = (load) => `${load}
const body = sampleBody("deal.won");
const event = new Webhook("whsec_install").verify(body, sign("whsec_install", body));
if (event.event !== "deal.won") throw new Error("not narrowed");
console.log(JSON.stringify({ event: event.event, value: event.data.value, key: event.idempotencyKey }));
`;

test.before(async () => {
  assert.ok(tarball, "run `make pack` first");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true }));
  await run("npm", ["install", "--no-audit", "--no-fund", path.join(ROOT, "target", tarball)], { cwd: project });
  fs.writeFileSync(path.join(project, "app.cjs"), body('const { Webhook, sign, sampleBody } = require("atlasbrokers-webhooks");'));
  fs.writeFileSync(path.join(project, "app.mjs"), body('import { Webhook, sign, sampleBody } from "atlasbrokers-webhooks";'));
});
test.after(() => fs.rmSync(project, { recursive: true, force: true }));

const parse = (stdout) => JSON.parse(stdout.trim().split("\n").at(-1));

test("the tarball holds exactly the published files", () => {
  const installed = fs.readdirSync(path.join(project, "node_modules", "atlasbrokers-webhooks")).sort();
  assert.deepEqual(installed, [
    "LICENSE",
    "README.md",
    "atlasbrokers_webhooks_bg.wasm",
    "cli",
    "cli.mjs",
    "edge-light.mjs",
    "index.cjs",
    "index.d.cts",
    "index.d.mts",
    "index.mjs",
    "node.cjs",
    "node.mjs",
    "package.json",
    "wasm.cjs",
    "wasm.mjs",
    "workerd.mjs",
  ]);
  const cli = fs.readdirSync(path.join(project, "node_modules", "atlasbrokers-webhooks", "cli")).sort();
  assert.deepEqual(cli, ["help.mjs", "inputs.mjs", "inspect.mjs", "listen.mjs", "output.mjs", "send.mjs"]);
});

test("no entry uses Node globals (Buffer, process); only the Node entries import node:crypto and read globalThis.Buffer", () => {
  const dir = path.join(project, "node_modules", "atlasbrokers-webhooks");
  for (const entry of ["index.mjs", "index.cjs", "node.mjs", "node.cjs", "wasm.mjs", "wasm.cjs", "workerd.mjs", "edge-light.mjs"]) {
    const node = entry.startsWith("node.");
    const source = fs.readFileSync(path.join(dir, entry), "utf8");
    assert.doesNotMatch(source, /(?<![A-Za-z_$.])process\s*[.([]/, entry);
    if (node) {
      // They decode verified byte bodies with Buffer where the runtime has one (Node, Bun),
      // taken from globalThis and checked before use, never the bare global.
      assert.match(source, /\{ Buffer(: \w+)? \} = globalThis/, entry);
    } else {
      assert.doesNotMatch(source, /(?<![A-Za-z_$.])Buffer\s*[.([]/, entry);
    }
    assert.equal(/["']node:/.test(source), node, entry);
  }
});

test("require (CommonJS)", async () => {
  assert.deepEqual(parse(await run("node", ["app.cjs"], { cwd: project })), EXPECTED);
});

test("import (ESM)", async () => {
  assert.deepEqual(parse(await run("node", ["app.mjs"], { cwd: project })), EXPECTED);
});

test("esbuild bundles for node and browser platforms run on their own", async () => {
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-bundle-"));
  try {
    for (const [platform, format] of [["node", "cjs"], ["browser", "esm"], ["neutral", "esm"]]) {
      const out = path.join(elsewhere, `bundle-${platform}.${format === "cjs" ? "cjs" : "mjs"}`);
      const entry = format === "cjs" ? "app.cjs" : "app.mjs";
      await run(path.join(BIN, "esbuild"), [entry, "--bundle", `--platform=${platform}`, `--format=${format}`, `--outfile=${out}`], { cwd: project });
      // Run from a folder without node_modules: the bundle must carry the wasm itself.
      assert.deepEqual(parse(await run("node", [out], { cwd: elsewhere })), EXPECTED, platform);
    }
  } finally {
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("Deno", async () => {
  const out = await run(path.join(BIN, "deno"), ["run", "--quiet", "--no-prompt", "app.mjs"], {
    cwd: project,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  assert.deepEqual(parse(out), EXPECTED);
});

test("Bun, through import and require", async () => {
  for (const app of ["app.mjs", "app.cjs"]) {
    assert.deepEqual(parse(await run(path.join(BIN, "bun"), [app], { cwd: project })), EXPECTED, app);
  }
});

test("a JS worker importing the package answers a signed request under wrangler dev --local", async () => {
  fs.writeFileSync(
    path.join(project, "worker.mjs"),
    `import { Webhook } from "atlasbrokers-webhooks";
export default {
  async fetch(request, env) {
    const webhook = new Webhook(env.ATLAS_WEBHOOK_SECRET);
    try {
      const event = webhook.verify(await request.arrayBuffer(), request.headers);
      const value = event.event === "deal.won" ? event.data.value : null;
      return Response.json({ event: event.event, value, key: event.idempotencyKey });
    } catch (e) {
      return Response.json({ error: e.code }, { status: e.status ?? 500 });
    }
  },
};
`,
  );
  fs.writeFileSync(
    path.join(project, "wrangler.toml"),
    `name = "install-test"\nmain = "worker.mjs"\ncompatibility_date = "2026-04-01"\n\n[vars]\nATLAS_WEBHOOK_SECRET = "whsec_install"\n`,
  );
  const { proc, base } = await startWranglerDev(["--show-interactive-dev-session=false"], { cwd: project, env: WRANGLER_ENV });
  try {
    const url = `${base}/`;
    const { sign, sampleBody } = await import(path.join(project, "node_modules", "atlasbrokers-webhooks", "index.mjs"));
    const body = sampleBody("deal.won");
    const ok = await fetch(url, { method: "POST", body, headers: { "x-webhook-secret": sign("whsec_install", body) } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), EXPECTED);
    const bad = await fetch(url, { method: "POST", body, headers: { "x-webhook-secret": sign("wrong", body) } });
    assert.deepEqual([bad.status, await bad.json()], [401, { error: "signature_mismatch" }]);
  } finally {
    proc.stop();
  }
});
