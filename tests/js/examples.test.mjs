// examples/express and examples/fetch-handler, started as users start them and exercised with
// signed deliveries of every sample, a tampered one and a Replay.
import { createHash } from "node:crypto";
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { EVENT_TYPES, sign, sampleBody } from "atlasbrokers-webhooks";
import { BIN, ROOT, freePort, start, waitForHttp } from "./helpers.mjs";

const SECRET = "whsec_examples_77aa";
const PII = ["amelie", "Tremblay", "555-0142"];

async function exercise(base, proc) {
  for (const t of EVENT_TYPES) {
    const res = await fetch(base + "/webhooks/atlasbrokers", {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": sign(SECRET, t.sampleBody) },
      body: t.sampleBody,
    });
    assert.equal(res.status, 200, t.name);
    assert.equal((await res.json()).event, t.name);
  }
  const won = sampleBody("deal.won");
  const tampered = await fetch(base + "/webhooks/atlasbrokers", {
    method: "POST",
    headers: { "x-webhook-secret": sign(SECRET, won) },
    body: won.replace("2400", "9400"),
  });
  assert.deepEqual([tampered.status, (await tampered.json()).error], [401, "signature_mismatch"]);
  // Give the process a moment to flush its logs.
  await new Promise((r) => setTimeout(r, 200));
  const out = proc.output();
  for (const secret of [SECRET, ...PII]) assert.ok(!out.includes(secret), `logs must not contain ${secret}`);
  return out;
}

test("examples/express: every sample, a tampered body, a Replay", async () => {
  const port = await freePort();
  const proc = start("node", [path.join(ROOT, "examples/express/server.mjs")], {
    env: { ...process.env, ATLAS_WEBHOOK_SECRET: SECRET, PORT: String(port) },
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(base + "/healthz", 15_000, proc);
    const out = await exercise(base, proc);
    assert.match(out, /new lead lead_7k2p9q \(QC, website\)/);
    assert.match(out, /deal won deal_mno321: 2400 CAD/);
    assert.match(out, /webhook error signature_mismatch/);
    // Replay: the same delivery again is acknowledged but processed once.
    const won = sampleBody("deal.won");
    const replay = await fetch(base + "/webhooks/atlasbrokers", { method: "POST", headers: { "x-webhook-secret": sign(SECRET, won) }, body: won });
    assert.equal(replay.status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(proc.output(), /duplicate deal\.won deal_mno321 ignored/);
  } finally {
    proc.stop();
  }
});

for (const [runtime, args] of [
  ["deno", ["run", "--quiet", "--allow-net=127.0.0.1", "--allow-env", "server.mjs"]],
  ["bun", ["server.mjs"]],
]) {
  test(`examples/fetch-handler under ${runtime}`, async () => {
    const port = await freePort();
    const proc = start(path.join(BIN, runtime), args, {
      cwd: path.join(ROOT, "examples/fetch-handler"),
      env: { ...process.env, ATLAS_WEBHOOK_SECRET: SECRET, PORT: String(port), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(base + "/", 20_000, proc);
      const out = await exercise(base, proc);
      assert.match(out, /new lead lead_7k2p9q/);
      assert.match(out, /deal\.won deal_mno321 2400/);
      const claimId = createHash("sha256").update(sampleBody("claim.filed")).digest("hex");
      assert.match(out, new RegExp(`received claim\\.filed key=${claimId}\n`));
      assert.match(out, /rejected signature_mismatch/);
      const get = await fetch(base + "/webhooks/atlasbrokers");
      assert.equal(get.status, 405);
    } finally {
      proc.stop();
    }
  });
}
