// The edge verifier's configuration (worker/ in workerd under `wrangler dev --local`): /healthz
// names the configured destinations and nothing secret, and a misconfigured worker says what is
// wrong and accepts nothing.
// Each test runs alone: `node --test --test-name-pattern misconfigured worker/tests/config.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { sampleBody } from "atlasbrokers-webhooks";
import { Sink, eventually } from "./edge-harness.mjs";
import { ADMIN, ROUTES, SECRET, edgeFor, ownEdge } from "./scenario.mjs";

test("healthz names destinations, never URLs or secrets", async (t) => {
  const { edge } = await ownEdge(t);
  const res = await fetch(edge.base + "/healthz");
  const text = await res.text();
  assert.equal(res.status, 200);
  const health = JSON.parse(text);
  assert.equal(health.mode, "queue");
  assert.deepEqual(health.destinations.map((d) => d.name), ROUTES.map(([n]) => n));
  assert.ok(!text.includes("127.0.0.1") && !text.includes(SECRET) && !text.includes(ADMIN));
});

/** Direct mode with a route whose event pattern matches nothing in the catalog. */
async function startMisconfiguredEdge() {
  const sink = await new Sink("z").listen();
  const edge = await edgeFor([sink], {
    queues: false,
    vars: { ROUTES: '[{"name":"z","urlSecret":"HOOK_Z","events":["deal.wonn"]}]', ALLOW_HTTP_LOOPBACK: "true" },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, HOOK_Z: sink.url },
  });
  return { sink, ...edge };
}

test("a misconfigured worker says what is wrong and accepts nothing", async (t) => {
  const { edge, sink } = await ownEdge(t, startMisconfiguredEdge);
  const health = await edge.health();
  assert.equal(health.status, 503);
  assert.match(health.json.problems.join("\n"), /"deal\.wonn" matches no catalog event/);
  const res = await edge.post(sampleBody("deal.won"));
  assert.deepEqual([res.status, res.json.error], [500, "invalid_config"]);
  assert.match(res.json.message, /deal\.wonn/);
  // An unsigned request learns nothing about the configuration.
  const unsigned = await edge.post(sampleBody("deal.won"), null);
  assert.deepEqual([unsigned.status, unsigned.json.error], [401, "missing_signature"]);
  assert.equal(sink.requests.length, 0);
  // wrangler dev's log names the problem too (it prints asynchronously).
  await eventually(() => assert.match(edge.output(), /config_problem.*deal\.wonn/), 10_000);
});
