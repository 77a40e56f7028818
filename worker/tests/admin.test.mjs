// The edge verifier's admin API (worker/ in workerd under `wrangler dev --local`, queue mode):
// dead letters listed without payloads, a dead letter replayed, the token, and a catalog sample
// sent to a destination on request.
// Each test runs alone: `node --test --test-name-pattern "admin replay" worker/tests/admin.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { eventually } from "./edge-harness.mjs";
import { SECRET, accept, assertForwarded, ownEdge, sharedEdge } from "./scenario.mjs";

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
