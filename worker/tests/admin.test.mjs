// The edge verifier's admin API (worker/ in workerd under `wrangler dev --local`, queue mode):
// dead letters listed without payloads, a dead letter replayed, the token, a catalog sample
// sent to a destination on request, the console's static files, pausing a destination, a
// payload shown on request, and failed sign-ins limited per client.
// Each test runs alone: `node --test --test-name-pattern "admin replay" worker/tests/admin.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { eventually, sleep } from "./edge-harness.mjs";
import { ADMIN, SECRET, accept, assertForwarded, idOf, ownEdge, sharedEdge } from "./scenario.mjs";

/** Dead letters listed by the admin API once there are `count` of them. */
function deadLetters(edge, count) {
  return eventually(async () => {
    const res = await edge.admin("GET", "/admin/dead-letters");
    assert.equal(res.status, 200);
    assert.equal(res.json.deadLetters.length, count);
    return res.json.deadLetters;
  }, 15_000);
}

test("permanent and exhausted failures are dead letters, listed without payloads", async (t) => {
  const { edge } = await ownEdge(t);
  // rejecting answers 400 to policy.renewed, broken 503 to claim.filed (make takes both).
  for (const event of ["policy.renewed", "claim.filed"]) await accept(edge, sampleBody(event));
  const letters = await deadLetters(edge, 2);
  const byDestination = Object.fromEntries(letters.map((d) => [d.destination, d]));
  assert.deepEqual(
    [byDestination.rejecting.reason, byDestination.rejecting.lastStatus, byDestination.rejecting.attempts, byDestination.rejecting.event],
    ["rejected", 400, 1, "policy.renewed"],
  );
  assert.deepEqual(
    [byDestination.broken.reason, byDestination.broken.lastStatus, byDestination.broken.attempts, byDestination.broken.event],
    ["exhausted", 503, 4, "claim.filed"],
  );
  const text = JSON.stringify(letters);
  assert.ok(!text.includes("Water damage") && !text.includes("127.0.0.1") && !text.includes(sign(SECRET, sampleBody("claim.filed"))));
});

// The replay involves claim.filed at broken and make; the test sends go to zapier alone.
const shared = sharedEdge();

test("admin replay of a dead letter delivers it", async () => {
  const { edge, broken, make, answers } = await shared();
  await accept(edge, sampleBody("claim.filed"));
  const [letter] = await deadLetters(edge, 1);
  assert.equal(letter.destination, "broken");
  answers.broken = 200;
  const res = await edge.admin("POST", `/admin/dead-letters/${letter.id}/replay`);
  assert.deepEqual([res.status, res.json.status, res.json.destination], [202, "replaying", "broken"]);
  await eventually(() => {
    assert.equal(broken.acked().length, 1);
    assertForwarded(broken.acked()[0], sampleBody("claim.filed"), 1);
  });
  const after = await edge.admin("GET", "/admin/dead-letters");
  assert.ok(!after.json.deadLetters.some((d) => d.id === letter.id), "the replayed letter is gone");
  assert.equal(make.ofEvent("claim.filed").length, 1);
  const unknown = await edge.admin("POST", "/admin/dead-letters/dead:000:nope/replay");
  assert.deepEqual([unknown.status, unknown.json.error], [404, "unknown_dead_letter"]);
});

test("admin API: token required; sends any catalog sample to a destination", async () => {
  const { edge, zapier } = await shared();
  assert.deepEqual((await edge.admin("GET", "/admin/dead-letters", "wrong-token")).status, 401);
  assert.deepEqual((await edge.admin("GET", "/admin/dead-letters", null)).status, 401);
  const before = zapier.requests.length;
  const res = await edge.admin("POST", "/admin/test/zapier?event=claim.filed");
  assert.deepEqual([res.status, res.json.status, res.json.destination.destination], [200, "sent", "zapier"]);
  assert.equal(zapier.requests.length, before + 1);
  const sent = zapier.requests.at(-1);
  assertForwarded(sent, sampleBody("claim.filed"), 1);
  const noDest = await edge.admin("POST", "/admin/test/nowhere?event=deal.won");
  assert.deepEqual([noDest.status, noDest.json.error], [404, "unknown_destination"]);
  const noEvent = await edge.admin("POST", "/admin/test/zapier?event=deal.wonn");
  assert.deepEqual([noEvent.status, noEvent.json.error], [400, "unknown_event"]);
});

/** A unique catalog sample of `event` (its data.id tagged), so no other test's copy dedups it. */
function unique(event, tag) {
  const envelope = JSON.parse(sampleBody(event));
  envelope.data.id = `${envelope.data.id}_${tag}_${Date.now().toString(36)}`;
  return JSON.stringify(envelope);
}

/** A request with any headers (the token as a bearer when given). */
async function request(edge, method, url, { token = edge.adminToken, headers = {} } = {}) {
  if (token) headers = { ...headers, authorization: `Bearer ${token}` };
  const res = await fetch(edge.base + url, { method, headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

test("the console's three files are served without a token, under a strict policy", async () => {
  const { edge } = await shared();
  const types = { "/admin/": "text/html", "/admin": "text/html", "/admin/console.js": "text/javascript", "/admin/console.css": "text/css" };
  const bodies = {};
  for (const [url, type] of Object.entries(types)) {
    const res = await request(edge, "GET", url, { token: null });
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get("content-type"), `${type}; charset=utf-8`, url);
    assert.equal(res.headers.get("content-security-policy"), CSP, url);
    assert.deepEqual(
      ["x-content-type-options", "referrer-policy", "x-frame-options", "cache-control"].map((h) => res.headers.get(h)),
      ["nosniff", "no-referrer", "DENY", "no-cache"],
      url,
    );
    assert.ok(res.text.length > 0, url);
    bodies[url] = res.text;
  }
  assert.equal(bodies["/admin"], bodies["/admin/"]);
  assert.match(bodies["/admin/"], /^<!doctype html>/i);
  assert.ok(!bodies["/admin/"].includes(ADMIN), "the page holds no data");
  const head = await fetch(edge.base + "/admin/console.css", { method: "HEAD" });
  assert.deepEqual([head.status, head.headers.get("content-type"), await head.text()], [200, "text/css; charset=utf-8", ""]);
  // Anything else under /admin/ is the API: the token first.
  assert.equal((await request(edge, "POST", "/admin/", { token: null })).status, 401);
  assert.equal((await request(edge, "GET", "/admin/index.html", { token: null })).status, 401);
  const other = await request(edge, "GET", "/admin/index.html");
  assert.deepEqual([other.status, other.json.error], [404, "not_found"]);
});

test("pause: deliveries are kept while paused and sent oldest first on resume", async () => {
  const { edge, zapier } = await shared();
  const paused = await edge.admin("POST", "/admin/destinations/zapier/pause");
  assert.equal(paused.status, 200, JSON.stringify(paused.json));
  assert.deepEqual([paused.json.status, paused.json.destination, paused.json.reason], ["paused", "zapier", "operator"]);
  assert.ok(Math.abs(paused.json.sinceMs - Date.now()) < 60_000);
  const again = await edge.admin("POST", "/admin/destinations/zapier/pause");
  assert.equal(again.json.sinceMs, paused.json.sinceMs, "a second pause keeps the first");
  const unknown = await edge.admin("POST", "/admin/destinations/nowhere/pause");
  assert.deepEqual([unknown.status, unknown.json.error], [404, "unknown_destination"]);
  // Meant, so not a fault: /healthz stays 200 and says how to resume.
  let health = await edge.health();
  assert.equal(health.status, 200, JSON.stringify(health.json));
  assert.deepEqual(health.json.gone, []);
  assert.deepEqual(health.json.paused.map((p) => [p.destination, p.reason]), [["zapier", "operator"]]);
  assert.equal(health.json.destinations.find((d) => d.name === "zapier").paused, "operator");

  const first = unique("lead.created", "kept-first");
  const second = unique("lead.created", "kept-second");
  await accept(edge, first);
  await sleep(20);
  await accept(edge, second);
  await eventually(async () => {
    const res = await edge.admin("GET", "/admin/deliveries?destination=zapier&state=paused");
    assert.deepEqual(res.json.deliveries.map((d) => d.id).sort(), [idOf(first), idOf(second)].sort());
  }, 15_000);
  await sleep(1_500);
  assert.equal(zapier.of(first).length + zapier.of(second).length, 0, "nothing sent while paused");
  health = await edge.health();
  assert.equal(health.json.paused[0].kept, 2);
  assert.match(health.json.paused[0].action, /POST \/admin\/destinations\/zapier\/resume to send the 2 kept/);

  const resumed = await edge.admin("POST", "/admin/destinations/zapier/resume");
  assert.deepEqual([resumed.status, resumed.json.kept], [202, 2]);
  await eventually(() => {
    assert.equal(zapier.copies(first), 1);
    assert.equal(zapier.copies(second), 1);
  });
  assertForwarded(zapier.of(first)[0], first, 1);
  assert.ok(zapier.requests.indexOf(zapier.of(first)[0]) < zapier.requests.indexOf(zapier.of(second)[0]), "oldest first");
  health = await edge.health();
  assert.deepEqual([health.status, health.json.paused], [200, []]);
});

test("a payload is shown only when asked, only if stored, and the view is logged without it", async () => {
  const { edge } = await shared();
  // rejecting answers 400: a dead letter, whose body is kept for a replay.
  const body = unique("policy.renewed", "payload");
  await accept(edge, body);
  await eventually(async () => {
    const res = await edge.admin("GET", "/admin/dead-letters?destination=rejecting");
    assert.ok(res.json.deadLetters.some((d) => d.deliveryId === idOf(body)));
  }, 15_000);
  const detail = await edge.admin("GET", `/admin/deliveries/${idOf(body)}`);
  assert.ok(!JSON.stringify(detail.json).includes(JSON.parse(body).data.id), "hidden until asked");
  const shown = await request(edge, "GET", `/admin/deliveries/${idOf(body)}/payload`);
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual(shown.json, { deliveryId: idOf(body), size: Buffer.byteLength(body), utf8: true, body });
  assert.equal(shown.headers.get("cache-control"), "no-store");
  await eventually(() => {
    const audit = edge.output().split("\n").map((l) => l.trim()).filter((l) => l.includes('"payload_viewed"'));
    assert.deepEqual(audit.map((l) => JSON.parse(l)), [{ level: "audit", action: "payload_viewed", deliveryId: idOf(body), size: Buffer.byteLength(body) }]);
  });
  assert.ok(!edge.output().includes(JSON.parse(body).data.id), "never the payload in the log");
  assert.equal((await edge.admin("GET", `/admin/deliveries/${idOf(body)}/payload`, "wrong-token")).status, 401);

  // Delivered from its queue message: never stored, so it cannot be shown.
  const delivered = unique("invoice.paid", "payload");
  await accept(edge, delivered);
  await eventually(async () => {
    const res = await edge.admin("GET", `/admin/deliveries/${idOf(delivered)}`);
    assert.equal(res.json.destinations?.[0]?.state, "delivered");
  }, 15_000);
  const missing = await edge.admin("GET", `/admin/deliveries/${idOf(delivered)}/payload`);
  assert.deepEqual([missing.status, missing.json.error], [404, "body_unavailable"]);
  assert.match(missing.json.message, /dead letters and kept deliveries/);
  for (const id of ["f".repeat(64), "not-an-id"]) {
    const res = await edge.admin("GET", `/admin/deliveries/${id}/payload`);
    assert.deepEqual([res.status, res.json.error], [404, "unknown_delivery"], id);
  }
});

test("ten failed sign-ins block the client for 15 minutes, even with the right token", async (t) => {
  const { edge } = await ownEdge(t);
  const from = (ip) => ({ "cf-connecting-ip": ip });
  const wrong = (i) => request(edge, "GET", "/admin/dead-letters", { token: `wrong-${i}`, headers: from("198.51.100.7") });
  // Requests offering no token guess nothing: not counted. Nine wrong ones do not block, and a
  // right one starts the count afresh.
  for (let i = 0; i < 5; i++) assert.equal((await request(edge, "GET", "/admin/dead-letters", { token: null, headers: from("198.51.100.7") })).status, 401);
  for (let i = 0; i < 9; i++) assert.equal((await wrong(i)).status, 401);
  assert.equal((await request(edge, "GET", "/admin/dead-letters", { headers: from("198.51.100.7") })).status, 200);
  for (let i = 0; i < 10; i++) {
    const res = await wrong(i);
    assert.deepEqual([res.status, res.json.error], [401, "unauthorized"], `attempt ${i + 1}`);
  }
  for (const token of [ADMIN, "wrong-again"]) {
    const blocked = await request(edge, "GET", "/admin/dead-letters", { token, headers: from("198.51.100.7") });
    assert.deepEqual([blocked.status, blocked.json.error], [429, "too_many_attempts"]);
    const retryAfter = Number(blocked.headers.get("retry-after"));
    assert.ok(retryAfter > 800 && retryAfter <= 900, `retry-after ${retryAfter}`);
    assert.match(blocked.json.message, /\d+ more seconds/);
  }
  // The console's files need no sign-in, and are served all the same.
  assert.equal((await request(edge, "GET", "/admin/", { token: null, headers: from("198.51.100.7") })).status, 200);
  // Another client is not affected.
  const other = await request(edge, "GET", "/admin/dead-letters", { headers: from("198.51.100.8") });
  assert.equal(other.status, 200, other.text);
  // wrangler prints the worker's lines a moment later.
  await eventually(() => {
    const lines = edge.output().split("\n").filter((l) => l.includes('"sign_in_blocked"'));
    assert.equal(lines.length, 1, "logged once, when the limit is reached");
    assert.equal(JSON.parse(lines[0].trim()).retryAfterSeconds, 900);
  }, 10_000);
  for (const leak of ["198.51.100.7", "wrong-", ADMIN]) assert.ok(!edge.output().includes(leak), leak);
  // The ledger holds a digest of the client, never its address.
  await edge.halt();
  const rows = edge.ledger("SELECT client, failures FROM admin_failures");
  assert.equal(rows.length, 1);
  assert.equal(rows[0].failures, 10);
  assert.match(rows[0].client, /^[0-9a-f]{32}$/);
});
