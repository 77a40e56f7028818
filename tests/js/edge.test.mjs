// The edge verifier (worker/) in workerd under `wrangler dev --local`, with local Queues and
// KV, forwarding to real local HTTP servers that stand in for Zapier (200 + JSON), Make
// (200 + "Accepted") and destinations that fail on purpose. Every scenario asserts what each
// destination received (exact bytes, headers, count) and what the sender got back.
import test from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { EVENT_TYPES, Webhook, sign, sampleBody } from "atlasbrokers-webhooks";
import { BIN, WRANGLER_ENV, freePort, start, waitForHttp, writeEdgeConfig } from "./helpers.mjs";
import { eventually } from "./edge-harness.mjs";

const SECRET = "whsec_edge_current_5c2e";
const PREVIOUS = "whsec_edge_previous_19ab";
const ADMIN = "admin-token-for-tests";
const PATH = "/webhooks/atlasbrokers";
const UA = /^atlasbrokers-edge\/\d+\.\d+\.\d+/;
// The delivery id: SHA-256 of the exact body, lowercase hex.
const idOf = (body) => createHash("sha256").update(body).digest("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A destination on loopback that records every request; `respond(n, req)` scripts its answers. */
class Sink {
  constructor(name, respond = () => ({ status: 200, json: { status: "success" } })) {
    this.name = name;
    this.respond = respond;
    this.requests = [];
  }
  async listen(port) {
    this.port = port ?? (await freePort());
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const record = { headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), status: 0 };
        this.requests.push(record);
        const answer = await this.respond(this.requests.length, record);
        record.status = answer.status;
        if (answer.delayMs) await sleep(answer.delayMs);
        res.writeHead(answer.status, {
          "content-type": answer.text !== undefined ? "text/plain" : "application/json",
          ...(answer.headers ?? {}),
        });
        res.end(answer.text ?? JSON.stringify(answer.json ?? {}));
      });
    });
    await new Promise((r) => this.server.listen(this.port, "127.0.0.1", r));
    return this;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hook/${this.name}`;
  }
  acked() {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }
  ofEvent(event) {
    return this.requests.filter((r) => r.headers["x-atlas-event"] === event);
  }
  close() {
    return new Promise((r) => (this.server ? this.server.close(r) : r()));
  }
}

/** Runs the built worker under wrangler dev with its own config, secrets and state. */
async function startEdge({ vars, secrets, queues = true }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-edge-"));
  writeEdgeConfig(dir, { name: "atlasbrokers-edge-test", vars, secrets, queues });
  const [port, inspector] = [await freePort(), await freePort()];
  const proc = start(
    path.join(BIN, "wrangler"),
    ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
      "--persist-to", path.join(dir, "state"), "--show-interactive-dev-session=false"],
    { cwd: dir, env: WRANGLER_ENV },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base + "/healthz", 90_000, proc);
  return {
    base,
    proc,
    async post(body, header, extra = {}) {
      const headers = { "content-type": "application/json", ...extra };
      if (header !== null) headers["x-webhook-secret"] = header ?? sign(SECRET, body);
      const res = await fetch(base + PATH, { method: "POST", headers, body });
      return { status: res.status, headers: res.headers, json: await res.json() };
    },
    async admin(method, url, token = ADMIN) {
      const res = await fetch(base + url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, json: await res.json() };
    },
    stop() {
      proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The headers every forwarded request must carry, for the exact body. */
function assertForwarded(record, body, attempt, problem) {
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

test("queue mode: verification, routing, retries, dead letters, replays, admin API", async (t) => {
  const zapier = new Sink("zapier");
  const make = new Sink("make", () => ({ status: 200, text: "Accepted" }));
  const flaky = new Sink("flaky", (n) => (n <= 3 ? { status: 500, json: { error: "boom" } } : { status: 200 }));
  const limited = new Sink("limited", (n) =>
    n === 1 ? { status: 429, headers: { "retry-after": "2" }, json: {} } : { status: 200 },
  );
  const slow = new Sink("slow", (n) => (n === 1 ? { status: 200, delayMs: 2500 } : { status: 200 }));
  const down = new Sink("down");
  let rejectingStatus = 400;
  const rejecting = new Sink("rejecting", () => ({ status: rejectingStatus, json: { error: "bad hook" } }));
  let brokenStatus = 503;
  const broken = new Sink("broken", () => ({ status: brokenStatus, json: {} }));
  const listening = [zapier, make, flaky, limited, slow, rejecting, broken];
  await Promise.all(listening.map((s) => s.listen()));
  down.port = await freePort(); // nothing listens there yet: connection refused
  const sinks = [...listening, down];

  const routes = [
    ["zapier", ["lead.*", "deal.won", "invoice.paid"]],
    ["make", ["deal.*", "contact.created", "policy.*", "claim.filed"]],
    ["flaky", ["booking.created"]],
    ["limited", ["booking.cancelled"]],
    ["slow", ["invoice.created"]],
    ["down", ["addon.activated"]],
    ["rejecting", ["policy.renewed"]],
    ["broken", ["claim.filed"]],
  ];
  const secrets = { ATLAS_WEBHOOK_SECRET: SECRET, ATLAS_WEBHOOK_SECRET_PREVIOUS: PREVIOUS, ADMIN_TOKEN: ADMIN };
  for (const sink of sinks) secrets[`HOOK_${sink.name.toUpperCase()}`] = sink.url;
  const edge = await startEdge({
    vars: {
      ROUTES: JSON.stringify(routes.map(([name, events]) => ({ name, urlSecret: `HOOK_${name.toUpperCase()}`, events }))),
      ALLOW_HTTP_LOOPBACK: "true",
      MAX_ATTEMPTS: "4",
      BACKOFF_BASE_MS: "0",
      FORWARD_TIMEOUT_MS: "1000",
      MAX_BODY_BYTES: "300000",
    },
    secrets,
  });
  t.after(async () => {
    edge.stop();
    await Promise.all(sinks.map((s) => s.close()));
  });

  await t.test("healthz names destinations, never URLs or secrets", async () => {
    const res = await fetch(edge.base + "/healthz");
    const text = await res.text();
    assert.equal(res.status, 200);
    const health = JSON.parse(text);
    assert.equal(health.mode, "queue");
    assert.deepEqual(health.destinations.map((d) => d.name), routes.map(([n]) => n));
    assert.ok(!text.includes("127.0.0.1") && !text.includes(SECRET) && !text.includes(ADMIN));
  });

  await t.test("bad requests get their status and code, and nothing is forwarded", async () => {
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
    // Authentic but not JSON, so no event name, and no route takes "*": acknowledged, said so.
    const notJson = await edge.post("{ not json", sign(SECRET, "{ not json"));
    assert.deepEqual([notJson.status, notJson.json.status, notJson.json.envelopeProblem], [200, "unrouted", { code: "invalid_json", field: null }]);
    await sleep(2500); // a consumer round: still nothing may arrive
    for (const sink of sinks) assert.equal(sink.requests.length, 0, `${sink.name} got something`);
  });

  const rotated = sampleBody("deal.lost").replace("deal_9x4c7w", "deal_rotation_1");

  await t.test("rotation: the previous secret is accepted, an unknown one is not", async () => {
    assert.equal((await edge.post(rotated, sign(PREVIOUS, rotated))).status, 202);
    const other = sampleBody("deal.lost").replace("deal_9x4c7w", "deal_rotation_2");
    const res = await edge.post(other, sign("whsec_retired_long_ago", other));
    assert.deepEqual([res.status, res.json.error], [401, "signature_mismatch"]);
  });

  await t.test("all 15 samples routed per ROUTES, with retries where destinations fail", async () => {
    for (const type of EVENT_TYPES) {
      const res = await edge.post(type.sampleBody);
      if (type.name === "contact.updated") {
        assert.deepEqual([res.status, res.json.status], [200, "unrouted"], type.name);
        continue;
      }
      assert.equal(res.status, 202, type.name);
      assert.equal(res.json.status, "accepted");
      assert.equal(res.json.deliveryId, idOf(type.sampleBody));
      const expected = routes.filter(([, events]) => events.some((p) => p === type.name || (p.endsWith(".*") && type.name.startsWith(p.slice(0, -1)))));
      assert.deepEqual(res.json.destinations, expected.map(([n]) => n), type.name);
    }
    // The down destination comes back after a few failed attempts.
    await sleep(3000);
    assert.ok(down.requests.length === 0);
    await down.listen(down.port);

    const once = (sink, event) => {
      const acked = sink.acked().filter((r) => r.headers["x-atlas-event"] === event);
      assert.equal(acked.length, 1, `${sink.name} acked ${event} ${acked.length} times`);
      return acked[0];
    };
    await eventually(() => {
      for (const e of ["lead.created", "lead.converted", "deal.won", "invoice.paid"]) assertForwarded(once(zapier, e), sampleBody(e), 1);
      assert.equal(zapier.requests.length, 4);
      for (const e of ["deal.created", "deal.won", "contact.created", "policy.created", "policy.renewed", "claim.filed"]) {
        assertForwarded(once(make, e), sampleBody(e), 1);
      }
      const lost = make.ofEvent("deal.lost");
      assert.deepEqual(lost.map((r) => r.body.toString()).sort(), [rotated, sampleBody("deal.lost")].sort());
      assert.equal(make.requests.length, 8);
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
  });

  let deadLetters;
  await t.test("permanent and exhausted failures are dead letters, listed without payloads", async () => {
    deadLetters = await eventually(async () => {
      const res = await edge.admin("GET", "/admin/dead-letters");
      assert.equal(res.status, 200);
      assert.equal(res.json.deadLetters.length, 2);
      return res.json.deadLetters;
    }, 15_000);
    const byDestination = Object.fromEntries(deadLetters.map((d) => [d.destination, d]));
    assert.deepEqual(
      [byDestination.rejecting.reason, byDestination.rejecting.lastStatus, byDestination.rejecting.attempts, byDestination.rejecting.event],
      ["rejected", 400, 1, "policy.renewed"],
    );
    assert.deepEqual(
      [byDestination.broken.reason, byDestination.broken.lastStatus, byDestination.broken.attempts, byDestination.broken.event],
      ["exhausted", 503, 4, "claim.filed"],
    );
    const text = JSON.stringify(deadLetters);
    assert.ok(!text.includes("Water damage") && !text.includes("127.0.0.1") && !text.includes(sign(SECRET, sampleBody("claim.filed"))));
  });

  await t.test("a replay of an acknowledged delivery is not forwarded again", async () => {
    const res = await edge.post(sampleBody("deal.won"));
    // Accepted at once; each destination's consumer finds it delivered in the ledger.
    assert.deepEqual([res.status, res.json.status], [202, "accepted"]);
    await sleep(2500);
    assert.equal(zapier.ofEvent("deal.won").length, 1);
    assert.equal(make.ofEvent("deal.won").length, 1);
  });

  await t.test("a replay of a partial delivery goes only to the destination that missed it", async () => {
    rejectingStatus = 200; // the user fixed their scenario
    const res = await edge.post(sampleBody("policy.renewed"));
    assert.equal(res.status, 202);
    await eventually(() => {
      assert.equal(rejecting.acked().length, 1);
      assertForwarded(rejecting.acked()[0], sampleBody("policy.renewed"), 1);
    });
    await sleep(1500);
    assert.equal(make.ofEvent("policy.renewed").length, 1, "make had it: not sent again");
  });

  await t.test("admin replay of a dead letter delivers it", async () => {
    brokenStatus = 200;
    const letter = deadLetters.find((d) => d.destination === "broken");
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

  await t.test("admin API: token required; sends any catalog sample to a destination", async () => {
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

  await t.test("a body too large for a queue message travels through KV, byte for byte", async () => {
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

  await t.test("authentic bodies that are not the envelope are forwarded byte for byte, marked and counted", async () => {
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
    const health = await (await fetch(edge.base + "/healthz")).json();
    assert.ok(health.envelopeProblems.count >= 2, JSON.stringify(health.envelopeProblems));
    assert.equal(health.envelopeProblems.strict, false);
  });

  await t.test("one JSON log line per attempt, without secrets, URLs or payloads", async () => {
    await sleep(1000); // wrangler prints asynchronously
    const lines = edge.proc.output().split("\n").filter((l) => l.startsWith('{"deliveryId"'));
    assert.ok(lines.length >= 25, `${lines.length} attempt lines`);
    const attempts = lines.map((l) => JSON.parse(l));
    const flakyLines = attempts.filter((a) => a.destination === "flaky");
    assert.deepEqual(flakyLines.map((a) => [a.attempt, a.status, a.next]), [[1, 500, "retry"], [2, 500, "retry"], [3, 500, "retry"], [4, 200, "done"]]);
    assert.ok(attempts.some((a) => a.destination === "slow" && a.outcome === "timeout"));
    assert.ok(attempts.some((a) => a.destination === "down" && a.outcome === "network_error"));
    const log = edge.proc.output();
    for (const leak of [SECRET, PREVIOUS, ADMIN, "127.0.0.1:" + zapier.port, "amelie", "Water damage"]) {
      assert.ok(!log.includes(leak), `the log contains ${leak}`);
    }
  });
});

test("direct mode (no queue bound): 200 when all succeed, 502 with outcomes otherwise", async (t) => {
  const one = await new Sink("one").listen();
  const two = await new Sink("two", () => ({ status: 200, text: "Accepted" })).listen();
  const failing = await new Sink("failing", () => ({ status: 500, json: {} })).listen();
  const edge = await startEdge({
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
  t.after(async () => {
    edge.stop();
    await Promise.all([one, two, failing].map((s) => s.close()));
  });

  const health = await (await fetch(edge.base + "/healthz")).json();
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

test("a misconfigured worker says what is wrong and accepts nothing", async (t) => {
  const sink = await new Sink("z").listen();
  const edge = await startEdge({
    queues: false,
    vars: { ROUTES: '[{"name":"z","urlSecret":"HOOK_Z","events":["deal.wonn"]}]', ALLOW_HTTP_LOOPBACK: "true" },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, HOOK_Z: sink.url },
  });
  t.after(async () => {
    edge.stop();
    await sink.close();
  });
  const health = await fetch(edge.base + "/healthz");
  const body = await health.json();
  assert.equal(health.status, 503);
  assert.match(body.problems.join("\n"), /"deal\.wonn" matches no catalog event/);
  const res = await edge.post(sampleBody("deal.won"));
  assert.deepEqual([res.status, res.json.error], [500, "invalid_config"]);
  assert.match(res.json.message, /deal\.wonn/);
  // An unsigned request learns nothing about the configuration.
  const unsigned = await edge.post(sampleBody("deal.won"), null);
  assert.deepEqual([unsigned.status, unsigned.json.error], [401, "missing_signature"]);
  assert.equal(sink.requests.length, 0);
  // wrangler dev's log names the problem too (it prints asynchronously).
  await eventually(() => assert.match(edge.proc.output(), /config_problem.*deal\.wonn/), 10_000);
});
