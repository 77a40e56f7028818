// The edge verifier's delivery (worker/ in workerd under `wrangler dev --local`, with local
// Queues, KV and D1) to real local HTTP servers that stand in for Zapier (200 + JSON), Make
// (200 + "Accepted") and destinations that fail on purpose: routing, retries, replays, bodies
// through KV, the attempt log, and direct mode (no queue bound). Every scenario asserts what each
// destination received (exact bytes, headers, count) and what the sender got back.
// Each test runs alone: `node --test --test-name-pattern "direct mode" worker/tests/delivery.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { EVENT_TYPES, sampleBody } from "atlasbrokers-webhooks";
import { Sink, eventually, sleep } from "./edge-harness.mjs";
import { ROUTES, SECRET, accept, ackedOnce, assertForwarded, assertLogClean, edgeFor, idOf, ownEdge, sharedEdge } from "./scenario.mjs";

// The 15 samples and their retries, run once on their own edge for the two tests that read them.
const routedEdge = sharedEdge();
let routing;
const routed = () =>
  (routing ??= routedEdge().then(async (world) => {
    await routeAllSamples(world);
    return world;
  }));

async function routeAllSamples({ edge, zapier, make, flaky, limited, slow, down, rejecting, broken }) {
  for (const type of EVENT_TYPES) {
    const res = await edge.post(type.sampleBody);
    if (type.name === "contact.updated") {
      assert.deepEqual([res.status, res.json.status], [200, "unrouted"], type.name);
      continue;
    }
    assert.equal(res.status, 202, type.name);
    assert.equal(res.json.status, "accepted");
    assert.equal(res.json.deliveryId, idOf(type.sampleBody));
    const expected = ROUTES.filter(([, events]) => events.some((p) => p === type.name || (p.endsWith(".*") && type.name.startsWith(p.slice(0, -1)))));
    assert.deepEqual(res.json.destinations, expected.map(([n]) => n), type.name);
  }
  // The down destination comes back after a few failed attempts.
  await sleep(3000);
  assert.ok(down.requests.length === 0);
  await down.listen(down.port);

  await eventually(() => {
    for (const e of ["lead.created", "lead.converted", "deal.won", "invoice.paid"]) assertForwarded(ackedOnce(zapier, e), sampleBody(e), 1);
    assert.equal(zapier.requests.length, 4);
    for (const e of ["deal.created", "deal.won", "contact.created", "policy.created", "policy.renewed", "claim.filed"]) {
      assertForwarded(ackedOnce(make, e), sampleBody(e), 1);
    }
    // (The rotation test in receive.test.mjs checks the deal.lost signed with the previous secret.)
    const lost = make.ofEvent("deal.lost");
    assert.deepEqual(lost.map((r) => r.body.toString()), [sampleBody("deal.lost")]);
    assert.equal(make.requests.length, 7);
    // 500 three times, then 200: delivered exactly once, on attempt 4.
    assert.deepEqual(flaky.requests.map((r) => r.headers["x-atlas-attempt"]), ["1", "2", "3", "4"]);
    assert.equal(flaky.acked().length, 1);
    assertForwarded(flaky.requests[3], sampleBody("booking.created"), 4);
    // 429 with Retry-After: 2 is honoured.
    assert.equal(limited.requests.length, 2);
    assert.ok(limited.requests[1].at - limited.requests[0].at >= 1900, "Retry-After honoured");
    assertForwarded(limited.requests[1], sampleBody("booking.cancelled"), 2);
    // Slower than the 1 s timeout: retried, and the retry is answered.
    assert.equal(slow.requests.length, 2);
    assertForwarded(slow.requests[1], sampleBody("invoice.created"), 2);
    // Down, then back: delivered once it is.
    assert.equal(down.acked().length, 1);
    assertForwarded(down.acked()[0], sampleBody("addon.activated"));
    assert.ok(Number(down.acked()[0].headers["x-atlas-attempt"]) > 1);
    // A permanent 4xx: one attempt. 503 every time: MAX_ATTEMPTS (4) attempts.
    assert.equal(rejecting.requests.length, 1);
    assert.equal(broken.requests.length, 4);
  }, 45_000);
  await sleep(1500);
  assert.equal(flaky.requests.length, 4, "nothing after the success");
  assert.equal(broken.requests.length, 4, "nothing after the last attempt");
}

test("all 15 samples routed per ROUTES, with retries where destinations fail", async () => {
  await routed();
});

test("one JSON log line per attempt, without secrets, URLs or payloads", async () => {
  const { edge, zapier } = await routed();
  await sleep(1000); // wrangler prints asynchronously
  const lines = edge.output().split("\n").filter((l) => l.startsWith('{"deliveryId"'));
  assert.ok(lines.length >= 25, `${lines.length} attempt lines`);
  const attempts = lines.map((l) => JSON.parse(l));
  const flakyLines = attempts.filter((a) => a.destination === "flaky");
  assert.deepEqual(flakyLines.map((a) => [a.attempt, a.status, a.next]), [[1, 500, "retry"], [2, 500, "retry"], [3, 500, "retry"], [4, 200, "done"]]);
  assert.ok(attempts.some((a) => a.destination === "slow" && a.outcome === "timeout"));
  assert.ok(attempts.some((a) => a.destination === "down" && a.outcome === "network_error"));
  assertLogClean(edge.output(), zapier);
});

// The replays and the KV body: deal.won (zapier, make), policy.renewed (make, rejecting) and
// lead.created (zapier, counted by delivery id) cannot disturb each other.
const shared = sharedEdge();

test("a replay of an acknowledged delivery is not forwarded again", async () => {
  const { edge, zapier, make } = await shared();
  await accept(edge, sampleBody("deal.won"));
  await eventually(() => [zapier, make].forEach((sink) => ackedOnce(sink, "deal.won")));
  const res = await edge.post(sampleBody("deal.won"));
  // Accepted at once; each destination's consumer finds it delivered in the ledger.
  assert.deepEqual([res.status, res.json.status], [202, "accepted"]);
  await sleep(2500);
  assert.equal(zapier.ofEvent("deal.won").length, 1);
  assert.equal(make.ofEvent("deal.won").length, 1);
});

test("a replay of a partial delivery goes only to the destination that missed it", async () => {
  const { edge, make, rejecting, answers } = await shared();
  await accept(edge, sampleBody("policy.renewed"));
  // make acknowledged it; rejecting answered 400 and it is a dead letter there.
  await eventually(async () => {
    ackedOnce(make, "policy.renewed");
    const letters = (await edge.admin("GET", "/admin/dead-letters")).json.deadLetters;
    assert.ok(letters.some((d) => d.destination === "rejecting" && d.event === "policy.renewed"), JSON.stringify(letters));
  });
  assert.equal(rejecting.requests.length, 1);
  answers.rejecting = 200; // the user fixed their scenario
  const res = await edge.post(sampleBody("policy.renewed"));
  assert.equal(res.status, 202);
  await eventually(() => {
    assert.equal(rejecting.acked().length, 1);
    assertForwarded(rejecting.acked()[0], sampleBody("policy.renewed"), 1);
  });
  await sleep(1500);
  assert.equal(make.ofEvent("policy.renewed").length, 1, "make had it: not sent again");
});

test("a body too large for a queue message travels through KV, byte for byte", async () => {
  const { edge, zapier } = await shared();
  const big = JSON.parse(sampleBody("lead.created"));
  big.data.id = "lead_big_1";
  big.data.notes = "Prefers email; bundling home and auto. ".repeat(4000); // ~150 KB
  const body = JSON.stringify(big);
  assert.ok(body.length > 128 * 1024);
  assert.equal((await edge.post(body)).status, 202);
  await eventually(() => {
    const got = zapier.requests.filter((r) => r.headers["x-atlas-delivery-id"] === idOf(body));
    assert.equal(got.length, 1);
    assertForwarded(got[0], body, 1);
  });
});

/** Direct mode: no queue bound, no ADMIN_TOKEN, STRICT_ENVELOPE=true. */
async function startDirectEdge() {
  const sinks = await Promise.all(
    [new Sink("one"), new Sink("two", () => ({ status: 200, text: "Accepted" })), new Sink("failing", () => ({ status: 500, json: {} }))].map((s) => s.listen()),
  );
  const [one, two, failing] = sinks;
  const edge = await edgeFor(sinks, {
    queues: false,
    vars: {
      ROUTES: JSON.stringify([
        { name: "one", urlSecret: "HOOK_ONE", events: ["deal.won", "claim.filed"] },
        { name: "two", urlSecret: "HOOK_TWO", events: ["deal.*"] },
        { name: "failing", urlSecret: "HOOK_FAILING", events: ["claim.filed"] },
      ]),
      ALLOW_HTTP_LOOPBACK: "true",
      STRICT_ENVELOPE: "true",
    },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, HOOK_ONE: one.url, HOOK_TWO: two.url, HOOK_FAILING: failing.url },
  });
  return { one, two, failing, ...edge };
}

test("direct mode (no queue bound): 200 when all succeed, 502 with outcomes otherwise", async (t) => {
  const { edge, one, two, failing } = await ownEdge(t, startDirectEdge);
  const health = (await edge.health()).json;
  assert.equal(health.mode, "direct");
  assert.equal(health.admin, false);

  const won = sampleBody("deal.won");
  const ok = await edge.post(won);
  assert.equal(ok.status, 200);
  assert.equal(ok.json.status, "delivered");
  assert.deepEqual(ok.json.destinations.map((d) => [d.destination, d.outcome, d.status]), [["one", "delivered", 200], ["two", "delivered", 200]]);
  assertForwarded(one.requests[0], won, 1);
  assertForwarded(two.requests[0], won, 1);

  const claim = sampleBody("claim.filed");
  const bad = await edge.post(claim);
  assert.equal(bad.status, 502);
  assert.equal(bad.json.error, "delivery_failed");
  assert.deepEqual(bad.json.destinations.map((d) => [d.destination, d.outcome, d.status]), [["one", "delivered", 200], ["failing", "http_error", 500]]);
  assert.ok(!JSON.stringify(bad.json).includes("127.0.0.1"), "names, not URLs");

  // The user presses Replay: only the destination that failed is tried again.
  const replay = await edge.post(claim);
  assert.equal(replay.status, 502);
  assert.deepEqual(replay.json.destinations.map((d) => [d.destination, d.outcome]), [["one", "duplicate"], ["failing", "http_error"]]);
  assert.equal(one.ofEvent("claim.filed").length, 1);
  assert.equal(failing.requests.length, 2);

  const admin = await edge.admin("GET", "/admin/dead-letters");
  assert.deepEqual([admin.status, admin.json.error], [404, "not_found"], "no ADMIN_TOKEN, no admin API");

  // STRICT_ENVELOPE=true: an authentic body that is not the envelope is refused, as before.
  const ping = '{"event":"deal.won"}';
  const strict = await edge.post(ping);
  assert.deepEqual([strict.status, strict.json.error], [400, "invalid_envelope"]);
  assert.equal(one.ofEvent("deal.won").length, 1, "nothing more forwarded");
});
