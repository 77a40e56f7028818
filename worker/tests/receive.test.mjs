// The edge verifier's accept path (worker/ in workerd under `wrangler dev --local`, queue mode):
// what a sender gets back for bad requests, rotated secrets and authentic bodies that are not
// the envelope, and what reaches the destinations (exact bytes, headers, count).
// Each test runs alone: `node --test --test-name-pattern rotation worker/tests/receive.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { eventually, sleep } from "./edge-harness.mjs";
import { PATH, PREVIOUS, SECRET, assertForwarded, idOf, ownEdge, postNotJson, sharedEdge } from "./scenario.mjs";

// Rotation posts deal.lost (make), the envelope test deal.won (zapier, make): disjoint events.
const shared = sharedEdge();

test("bad requests get their status and code, and nothing is forwarded", async (t) => {
  const { edge, sinks } = await ownEdge(t);
  const won = sampleBody("deal.won");
  const cases = [
    [await edge.post(won, sign("not the secret", won)), 401, "signature_mismatch"],
    [await edge.post(won, null), 401, "missing_signature"],
    [await edge.post(won, "abc123"), 401, "malformed_signature"],
    [await edge.post(won, "z".repeat(64)), 401, "malformed_signature"],
    [await edge.post(won.replace("2400", "2401"), sign(SECRET, won)), 401, "signature_mismatch"],
    [await edge.post("x".repeat(300_001)), 413, "body_too_large"],
  ];
  for (const [res, status, code] of cases) {
    assert.equal(res.status, status, code);
    assert.equal(res.json.error, code);
    assert.ok(res.json.message.length > 20);
  }
  const get = await fetch(edge.base + PATH);
  assert.deepEqual([get.status, get.headers.get("allow"), (await get.json()).error], [405, "POST", "method_not_allowed"]);
  const elsewhere = await fetch(edge.base + "/webhooks/other", { method: "POST", body: won });
  assert.deepEqual([elsewhere.status, (await elsewhere.json()).error], [404, "not_found"]);
  await postNotJson(edge);
  await sleep(2500); // a consumer round: still nothing may arrive
  for (const sink of sinks) assert.equal(sink.requests.length, 0, `${sink.name} got something`);
});

test("rotation: the previous secret is accepted, an unknown one is not", async () => {
  const { edge, make } = await shared();
  const rotated = sampleBody("deal.lost").replace("deal_9x4c7w", "deal_rotation_1");
  assert.equal((await edge.post(rotated, sign(PREVIOUS, rotated))).status, 202);
  const other = sampleBody("deal.lost").replace("deal_9x4c7w", "deal_rotation_2");
  const res = await edge.post(other, sign("whsec_retired_long_ago", other));
  assert.deepEqual([res.status, res.json.error], [401, "signature_mismatch"]);
  // The delivery signed with the previous secret is forwarded; the other is not.
  await eventually(() => assert.deepEqual(make.ofEvent("deal.lost").map((r) => r.body.toString()), [rotated]));
});

test("authentic bodies that are not the envelope are forwarded byte for byte, marked and counted", async () => {
  const { edge, zapier, make } = await shared();
  await postNotJson(edge);
  // deal.won without its title, and with a string value: routed by its event name.
  const odd = JSON.stringify({ event: "deal.won", timestamp: "2026-03-02T14:23:11.000Z", workspaceId: "ws_odd", data: { id: "deal_odd_1", value: "2400", currency: "CAD", closedAt: "2026-03-05T09:00:00.000Z" } });
  const res = await edge.post(odd, sign(SECRET, odd).toUpperCase());
  assert.deepEqual([res.status, res.json.destinations, res.json.envelopeProblem], [202, ["zapier", "make"], { code: "invalid_envelope", field: "data.title" }]);
  await eventually(() => {
    for (const sink of [zapier, make]) {
      const got = sink.requests.filter((r) => r.headers["x-atlas-delivery-id"] === idOf(odd));
      assert.equal(got.length, 1, sink.name);
      assertForwarded(got[0], odd, 1, "invalid_envelope; field=data.title");
    }
  });
  const health = (await edge.health()).json;
  assert.ok(health.envelopeProblems.count >= 2, JSON.stringify(health.envelopeProblems));
  assert.equal(health.envelopeProblems.strict, false);
});
