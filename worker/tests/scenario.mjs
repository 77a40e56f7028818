// Shared by the scenario suites (receive, delivery, admin, config): the edge verifier in queue
// mode with eight local destinations that answer as Zapier (200 + JSON) and Make (200 +
// "Accepted") do, or fail on purpose; what every forwarded request must carry; and how a test
// gets an edge of its own, or shares one with the tests of its file that cannot disturb it.
import { after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Webhook, sign } from "atlasbrokers-webhooks";
import { Sink, WEBHOOK_PATH, edgeFor as harnessEdgeFor, freePort } from "./edge-harness.mjs";

export { WEBHOOK_PATH as PATH };
export const SECRET = "whsec_edge_current_5c2e";
export const PREVIOUS = "whsec_edge_previous_19ab";
export const ADMIN = "admin-token-for-tests";
const UA = /^atlasbrokers-edge\/\d+\.\d+\.\d+/;
// The delivery id: SHA-256 of the exact body, lowercase hex.
export const idOf = (body) => createHash("sha256").update(body).digest("hex");

/** The headers every forwarded request must carry, for the exact body. */
export function assertForwarded(record, body, attempt, problem) {
  assert.equal(record.body.toString("utf8"), body, "exact bytes");
  assert.equal(record.headers["content-type"], "application/json");
  assert.equal(record.headers["x-atlas-event"], JSON.parse(body).event);
  assert.equal(record.headers["x-atlas-envelope-problem"], problem);
  assert.equal(record.headers["x-atlas-delivery-id"], idOf(body));
  assert.equal(record.headers["x-webhook-secret"], sign(SECRET, body), "the original signature");
  assert.match(record.headers["user-agent"], UA);
  if (attempt !== undefined) assert.equal(record.headers["x-atlas-attempt"], String(attempt));
  // The signature is still valid for the forwarded bytes: a destination can verify it.
  if (problem === undefined) {
    assert.equal(new Webhook(SECRET).verify(record.body, record.headers["x-webhook-secret"]).event, JSON.parse(body).event);
  }
}

/** Which destination takes which events in the queue-mode edge. */
export const ROUTES = [
  ["zapier", ["lead.*", "deal.won", "invoice.paid"]],
  ["make", ["deal.*", "contact.created", "policy.*", "claim.filed"]],
  ["flaky", ["booking.created"]],
  ["limited", ["booking.cancelled"]],
  ["slow", ["invoice.created"]],
  ["down", ["addon.activated"]],
  ["rejecting", ["policy.renewed"]],
  ["broken", ["claim.filed"]],
];

/**
 * A fresh edge in queue mode (MAX_ATTEMPTS 4, no backoff, 1 s forward timeout, bodies up to
 * 300,000 bytes; the previous secret and an admin token set) routing to its own destinations:
 * zapier and make answer 200; flaky 500 three times, then 200; limited 429 with Retry-After: 2
 * once; slow answers its first request after 2.5 s; nothing listens on down's port until
 * `down.listen(down.port)`; rejecting answers `answers.rejecting` (400) and broken
 * `answers.broken` (503), which a test may change.
 */
export async function startQueueEdge() {
  const answers = { rejecting: 400, broken: 503 };
  const sinks = {
    zapier: new Sink("zapier"),
    make: new Sink("make", () => ({ status: 200, text: "Accepted" })),
    flaky: new Sink("flaky", (n) => (n <= 3 ? { status: 500, json: { error: "boom" } } : { status: 200 })),
    limited: new Sink("limited", (n) => (n === 1 ? { status: 429, headers: { "retry-after": "2" }, json: {} } : { status: 200 })),
    slow: new Sink("slow", (n) => (n === 1 ? { status: 200, delayMs: 2500 } : { status: 200 })),
    down: new Sink("down"),
    rejecting: new Sink("rejecting", () => ({ status: answers.rejecting, json: { error: "bad hook" } })),
    broken: new Sink("broken", () => ({ status: answers.broken, json: {} })),
  };
  const all = Object.values(sinks);
  await Promise.all(all.filter((s) => s !== sinks.down).map((s) => s.listen()));
  sinks.down.port = await freePort(); // nothing listens there yet: connection refused
  const secrets = { ATLAS_WEBHOOK_SECRET: SECRET, ATLAS_WEBHOOK_SECRET_PREVIOUS: PREVIOUS, ADMIN_TOKEN: ADMIN };
  for (const sink of all) secrets[`HOOK_${sink.name.toUpperCase()}`] = sink.url;
  const vars = {
    ROUTES: JSON.stringify(ROUTES.map(([name, events]) => ({ name, urlSecret: `HOOK_${name.toUpperCase()}`, events }))),
    ALLOW_HTTP_LOOPBACK: "true",
    MAX_ATTEMPTS: "4",
    BACKOFF_BASE_MS: "0",
    FORWARD_TIMEOUT_MS: "1000",
    MAX_BODY_BYTES: "300000",
  };
  const world = await edgeFor(all, { vars, secrets });
  return {
    ...sinks,
    sinks: all,
    answers,
    edge: world.edge,
    // Whatever the tests did, wrangler's output must stay clean: checked once the edge is stopped.
    async stop() {
      await world.stop();
      assertLogClean(world.edge.output(), sinks.zapier);
    },
  };
}

/** wrangler's output holds no secret, admin token, hook address or payload text. */
export function assertLogClean(log, zapier) {
  for (const leak of [SECRET, PREVIOUS, ADMIN, "127.0.0.1:" + zapier.port, "amelie", "Water damage"]) {
    assert.ok(!log.includes(leak), `the log contains ${leak}`);
  }
}

/** The harness's `edgeFor`, posts signed with the npm package. */
export const edgeFor = (sinks, options, t) => harnessEdgeFor(sinks, { sign, ...options }, t);

/** The one request `sink` acknowledged for `event` (fails when it acknowledged none or more). */
export function ackedOnce(sink, event) {
  const acked = sink.acked().filter((r) => r.headers["x-atlas-event"] === event);
  assert.equal(acked.length, 1, `${sink.name} acked ${event} ${acked.length} times`);
  return acked[0];
}

/** An edge of this test's own (`start()`, by default a fresh queue-mode edge), stopped after it. */
export async function ownEdge(t, start = startQueueEdge) {
  const world = await start();
  t.after(() => world.stop());
  return world;
}

/**
 * One edge for the tests of a file that cannot disturb each other (disjoint events and
 * destinations, or nothing but answers checked), started by the first that asks and stopped
 * after the file. Call at the top level of a test file.
 */
export function sharedEdge(start = startQueueEdge) {
  let started;
  after(async () => {
    const world = await started?.catch(() => null);
    await world?.stop();
  });
  return () => (started ??= start());
}

/** An authentic body that is not JSON: acknowledged (no event name, no route takes "*"), said so. */
export async function postNotJson(edge) {
  const notJson = await edge.post("{ not json", sign(SECRET, "{ not json"));
  assert.deepEqual([notJson.status, notJson.json.status, notJson.json.envelopeProblem], [200, "unrouted", { code: "invalid_json", field: null }]);
}

/** Posts `body` (signed with SECRET) and asserts it was accepted. */
export async function accept(edge, body) {
  const res = await edge.post(body);
  assert.equal(res.status, 202);
  return res;
}
