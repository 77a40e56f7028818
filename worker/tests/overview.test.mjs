// The operator console's overview and pauses, end to end (worker/ in workerd under
// `wrangler dev --local`, local destinations): GET /admin/overview's status, last success,
// success rate and latency per destination and its per-minute chart, from deliveries sent
// through the worker; an operator's pause in direct mode; the console without ADMIN_TOKEN; the
// sign-in limit failing open when the ledger cannot count.
// Each test runs alone: `node --test --test-name-pattern "direct mode" worker/tests/overview.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { sampleBody } from "atlasbrokers-webhooks";
import { Sink, eventually, randomToken } from "./edge-harness.mjs";
import { ADMIN, SECRET, accept, assertLogClean, edgeFor, idOf } from "./scenario.mjs";

/** A distinct catalog sample of `event`. */
function bodyOf(event) {
  const envelope = JSON.parse(sampleBody(event));
  envelope.data.id = `${envelope.data.id}_${randomToken()}`;
  return JSON.stringify(envelope);
}

/** An edge forwarding to `sinks`, each taking `events[name]`, with these extra vars. */
async function edgeOf(t, sinks, events, { vars = {}, queues = true, admin = true, beforeLaunch } = {}) {
  await Promise.all(sinks.map((s) => s.listen()));
  const secrets = { ATLAS_WEBHOOK_SECRET: SECRET };
  if (admin) secrets.ADMIN_TOKEN = ADMIN;
  for (const s of sinks) secrets[`HOOK_${s.name.toUpperCase()}`] = s.url;
  const routes = sinks.map((s) => ({ name: s.name, urlSecret: `HOOK_${s.name.toUpperCase()}`, events: events[s.name] }));
  const { edge } = await edgeFor(sinks, {
    name: `atlas-overview-${randomToken()}`,
    queues,
    vars: { ROUTES: JSON.stringify(routes), ALLOW_HTTP_LOOPBACK: "true", FORWARD_TIMEOUT_MS: "2000", ...vars },
    secrets,
    beforeLaunch,
  }, t);
  t.after(() => assertLogClean(edge.output(), sinks[0]));
  return edge;
}

const MINUTE = 60_000;

test("the overview: each destination's status, last success, success rate, latency and the chart", async (t) => {
  // ok answers its third request after 400 ms (so p95 differs from p50); flaky 500 then 200;
  // gone 410 (a deleted hook); held is paused by the operator before anything is sent.
  const ok = new Sink("ok", (n) => ({ status: 200, json: {}, delayMs: n === 3 ? 400 : 0 }));
  const flaky = new Sink("flaky", (n) => (n === 1 ? { status: 500, json: {} } : { status: 200, json: {} }));
  const gone = new Sink("gone", () => ({ status: 410, json: {} }));
  const held = new Sink("held");
  const edge = await edgeOf(t, [ok, flaky, gone, held], {
    ok: ["lead.*"], flaky: ["contact.created"], gone: ["claim.filed"], held: ["policy.*"],
  }, { vars: { BACKOFF_BASE_MS: "4000", BACKOFF_MAX_MS: "4000", MAX_ATTEMPTS: "3" } });
  const overview = async () => {
    const res = await edge.admin("GET", "/admin/overview");
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return { ...res.json, of: Object.fromEntries(res.json.destinations.map((d) => [d.name, d])) };
  };

  const empty = await overview();
  assert.deepEqual(empty.destinations.map((d) => [d.name, d.status, d.lastSuccessAtMs, d.hour.attempts, d.day.successRate]), [
    ["ok", "healthy", null, 0, null], ["flaky", "healthy", null, 0, null], ["gone", "healthy", null, 0, null], ["held", "healthy", null, 0, null],
  ]);
  assert.equal((await edge.admin("POST", "/admin/destinations/held/pause")).status, 200);
  const leads = [bodyOf("lead.created"), bodyOf("lead.created"), bodyOf("lead.created")];
  for (const body of leads) await accept(edge, body);
  for (const event of ["contact.created", "claim.filed", "policy.renewed"]) await accept(edge, bodyOf(event));

  // flaky waits about 2-4 s for its retry: retrying meanwhile.
  await eventually(async () => {
    const o = await overview();
    assert.deepEqual([o.of.flaky.status, o.of.flaky.retrying], ["retrying", 1]);
  }, 15_000, 100);
  await eventually(async () => {
    const o = await overview();
    assert.deepEqual([o.of.ok.day.delivered, o.of.flaky.day.delivered, o.of.gone.kept, o.of.held.kept], [3, 1, 1, 1]);
  }, 20_000);
  const o = await overview();
  assert.equal(o.mode, "queue");
  assert.equal(o.version, (await edge.health()).json.version);
  assert.deepEqual(o.problems, []);
  assert.ok(Math.abs(o.nowMs - Date.now()) < 60_000);

  // ok: three of three accepted; the median fast, p95 the 400 ms one (to two significant digits).
  const { ok: okRow, flaky: flakyRow, gone: goneRow, held: heldRow } = o.of;
  assert.deepEqual([okRow.status, okRow.deadLetters, okRow.retrying, okRow.kept, okRow.pausedSinceMs], ["healthy", 0, 0, 0, null]);
  assert.deepEqual([okRow.hour.attempts, okRow.hour.delivered, okRow.hour.successRate], [3, 3, 1]);
  assert.deepEqual(okRow.day, okRow.hour);
  assert.ok(okRow.hour.p50Ms < 400 && okRow.hour.p95Ms >= 400 && okRow.hour.p95Ms < 1000, JSON.stringify(okRow.hour));
  assert.ok(okRow.lastSuccessAtMs <= o.nowMs && o.nowMs - okRow.lastSuccessAtMs < 60_000);
  assert.equal(okRow.host, `127.0.0.1:${ok.port}`, "the host, never the hook's path");
  assert.ok(!JSON.stringify(o).includes(ok.token) && !JSON.stringify(o).includes("/hook/"));
  // flaky: one failure, then accepted.
  assert.deepEqual([flakyRow.status, flakyRow.hour.attempts, flakyRow.hour.delivered, flakyRow.hour.successRate], ["healthy", 2, 1, 0.5]);
  // gone answered 410: paused by it, its delivery kept.
  assert.deepEqual([goneRow.status, goneRow.hour.attempts, goneRow.hour.delivered, goneRow.lastSuccessAtMs], ["gone", 1, 0, null]);
  assert.ok(goneRow.pausedSinceMs > 0);
  // held: paused by the operator, never attempted.
  assert.deepEqual([heldRow.status, heldRow.hour.attempts, heldRow.hour.p50Ms], ["paused", 0, null]);
  assert.ok(heldRow.pausedSinceMs <= goneRow.pausedSinceMs);

  // The chart: 60 minutes ending with this one, every delivery counted once by its state now.
  const { fromMs, minutes } = o.perMinute;
  assert.equal(minutes.length, 60);
  assert.equal(fromMs % MINUTE, 0);
  assert.equal(minutes[59].atMs, Math.floor(o.nowMs / MINUTE) * MINUTE);
  assert.deepEqual(minutes.map((m) => m.atMs), minutes.map((_, i) => fromMs + i * MINUTE));
  const sum = (key) => minutes.reduce((n, m) => n + m[key], 0);
  assert.deepEqual(["delivered", "retrying", "dead", "paused", "pending"].map(sum), [4, 0, 0, 2, 0]);

  // /healthz: the 410 is a fault (503), the operator's pause is only listed.
  const health = await edge.health();
  assert.equal(health.status, 503);
  assert.deepEqual(health.json.gone.map((g) => g.destination), ["gone"]);
  assert.deepEqual(health.json.paused.map((p) => [p.destination, p.reason, p.kept]), [["held", "operator", 1]]);
  assert.equal((await edge.admin("GET", "/admin/overview", "wrong")).status, 401);
});

test("direct mode: a paused destination answers 502 paused, and AtlasBrokers' Replay sends it once resumed", async (t) => {
  const sink = new Sink("sink");
  const edge = await edgeOf(t, [sink], { sink: ["*"] }, { queues: false });
  const paused = await edge.admin("POST", "/admin/destinations/sink/pause");
  assert.deepEqual([paused.status, paused.json.reason], [200, "operator"]);
  const body = bodyOf("deal.won");
  const answer = await edge.post(body);
  // No queue to keep it in: a failure AtlasBrokers logs, so the operator can Replay it.
  assert.equal(answer.status, 502, JSON.stringify(answer.json));
  assert.deepEqual(answer.json.destinations.map((d) => [d.destination, d.outcome]), [["sink", "paused"]]);
  assert.equal(sink.of(body).length, 0);
  const letters = (await edge.admin("GET", "/admin/dead-letters?destination=sink")).json.deadLetters;
  assert.deepEqual(letters.map((l) => [l.deliveryId, l.reason]), [[idOf(body), "direct_failed"]]);
  const health = await edge.health();
  assert.deepEqual([health.status, health.json.paused.map((p) => [p.destination, p.kept])], [200, [["sink", 0]]]);
  const overview = (await edge.admin("GET", "/admin/overview")).json;
  assert.deepEqual([overview.mode, overview.destinations[0].status, overview.destinations[0].deadLetters], ["direct", "paused", 1]);

  const resumed = await edge.admin("POST", "/admin/destinations/sink/resume");
  assert.deepEqual([resumed.status, resumed.json.kept], [202, 0]);
  const replay = await edge.post(body);
  assert.deepEqual([replay.status, replay.json.destinations[0].outcome], [200, "delivered"]);
  assert.equal(sink.copies(body), 1);
});

test("without ADMIN_TOKEN there is no console and no admin API", async (t) => {
  const sink = new Sink("sink");
  const edge = await edgeOf(t, [sink], { sink: ["*"] }, { queues: false, admin: false });
  for (const [method, url] of [["GET", "/admin/"], ["GET", "/admin"], ["GET", "/admin/console.js"], ["GET", "/admin/overview"], ["POST", "/admin/destinations/sink/pause"]]) {
    const res = await fetch(edge.base + url, { method, headers: { authorization: `Bearer ${ADMIN}` } });
    const json = await res.json();
    assert.deepEqual([res.status, json.error], [404, "not_found"], url);
    assert.match(json.message, /ADMIN_TOKEN/);
    assert.equal(res.headers.get("content-security-policy"), null);
  }
  assert.equal((await edge.health()).json.admin, false);
});

test("when the ledger cannot count failed sign-ins, the token still guards the API and the log says so", async (t) => {
  const sink = new Sink("sink");
  // A ledger without the table (as if migration 0003 had not been applied).
  const edge = await edgeOf(t, [sink], { sink: ["*"] }, { queues: false, beforeLaunch: (e) => e.ledger("DROP TABLE admin_failures") });
  for (let i = 0; i < 12; i++) {
    const res = await edge.admin("GET", "/admin/dead-letters", `wrong-${i}`);
    assert.deepEqual([res.status, res.json.error], [401, "unauthorized"], `attempt ${i + 1}: ${JSON.stringify(res.json)}`);
  }
  assert.equal((await edge.admin("GET", "/admin/dead-letters")).status, 200);
  await eventually(() => assert.match(edge.output(), /"action":"sign_in_not_rate_limited"/), 10_000);
  assert.ok(!edge.output().includes("wrong-"), "never a presented token in the log");
});
