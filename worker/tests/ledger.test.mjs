// The delivery ledger (Cloudflare D1) under `wrangler dev --local`: strict per-destination
// deduplication (concurrent identical posts, a Replay while retrying, a consumer that dies
// holding its claim), messages Cloudflare moves to the dead-letter queue recorded and never
// forwarded, bulk replay by filter, direct mode, migrations (empty database, previous schema),
// and the query plans of what the operator console asks. Real workerd, real local D1, real
// local HTTP destinations. The ledger is read through the admin API while the worker runs, and
// with `wrangler d1 execute` only while it is stopped (two processes on one local database
// interfere).
import test from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { execFileSync } from "node:child_process";
import { ROOT, Sink, WRANGLER_ENV, edgeFor, eventually, ledgerQueries, markdownTable, migrateLedger, randomToken, sleep, writeEdgeConfig } from "./edge-harness.mjs";

const SECRET = "whsec_ledger_test_7f3a";
const ADMIN = "admin-ledger-test";
const secrets = { ATLAS_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN };
const idOf = (body) => createHash("sha256").update(body).digest("hex");

/** A distinct catalog sample of `event` (its data.id made unique). */
function bodyOf(event, tag) {
  const envelope = JSON.parse(sampleBody(event));
  envelope.data.id = `${envelope.data.id}_${tag}_${randomToken()}`;
  return JSON.stringify(envelope);
}

function routesFor(sinks, events = ["*"]) {
  const vars = {};
  const routes = sinks.map((s) => {
    const secret = `${s.name.toUpperCase()}_HOOK_URL`;
    secrets[secret] = s.url;
    return { name: s.name, urlSecret: secret, events };
  });
  vars.ROUTES = JSON.stringify(routes);
  return vars;
}

const BASE_VARS = { ALLOW_HTTP_LOOPBACK: "true", FORWARD_TIMEOUT_MS: "5000" };

test("queue mode: each destination gets a delivery once, whatever arrives twice", async (t) => {
  const zapier = await new Sink("zapier").listen();
  const make = await new Sink("make", () => ({ status: 200, text: "Accepted" })).listen();
  // 500 to its first request, 200 after: the retry is scheduled 4-8 s later.
  const flaky = await new Sink("flaky", (n) => (n === 1 ? { status: 500, json: { error: "down" } } : { status: 200, json: {} })).listen();
  // 400 to deal.won (a dead letter), 200 to everything else, until `accept` is set.
  const picky = await new Sink("picky", (n, r) =>
    picky.accept || !r.body.toString().includes('"deal.won"') ? { status: 200, json: {} } : { status: 400, json: { error: "no" } },
  ).listen();
  const sinks = [zapier, make, flaky, picky];
  const routes = [
    { name: "zapier", urlSecret: "ZAPIER_HOOK_URL", events: ["lead.*"] },
    { name: "make", urlSecret: "MAKE_HOOK_URL", events: ["lead.*"] },
    { name: "flaky", urlSecret: "FLAKY_HOOK_URL", events: ["contact.created"] },
    { name: "picky", urlSecret: "PICKY_HOOK_URL", events: ["deal.*"] },
  ];
  const { edge } = await edgeFor(sinks, {
    name: "atlas-ledger",
    vars: { ...BASE_VARS, ROUTES: JSON.stringify(routes), BACKOFF_BASE_MS: "8000", BACKOFF_MAX_MS: "8000", MAX_ATTEMPTS: "3" },
    secrets: { ...secrets, ZAPIER_HOOK_URL: zapier.url, MAKE_HOOK_URL: make.url, FLAKY_HOOK_URL: flaky.url, PICKY_HOOK_URL: picky.url },
    sign,
  }, t);

  await t.test("/healthz reports the ledger ready at the expected schema", async () => {
    const h = await edge.health();
    assert.equal(h.status, 200, JSON.stringify(h.json));
    assert.deepEqual(h.json.ledger, { state: "ok", schemaVersion: 4 });
  });

  await t.test("10 identical posts at once reach each destination once", async () => {
    const body = bodyOf("lead.created", "concurrent");
    const answers = await Promise.all(Array.from({ length: 10 }, () => edge.post(body)));
    for (const a of answers) assert.ok([200, 202].includes(a.status), JSON.stringify(a.json));
    await eventually(() => {
      assert.equal(zapier.of(body).length, 1);
      assert.equal(make.of(body).length, 1);
    });
    // Copies waiting on another's claim come back after it; none of them sends again.
    await sleep(3_000);
    assert.equal(zapier.of(body).length, 1, "zapier got one copy");
    assert.equal(make.of(body).length, 1, "make got one copy");
    // What the admin API shows for "did Zapier get it?" (the ledger's rows).
    const detail = await edge.admin("GET", `/admin/deliveries/${idOf(body)}`);
    assert.equal(detail.status, 200, JSON.stringify(detail.json));
    assert.deepEqual([detail.json.delivery.event, detail.json.delivery.workspaceId], ["lead.created", "ws_abc123"]);
    assert.deepEqual(detail.json.destinations.map((d) => [d.destination, d.state, d.attempts]), [["make", "delivered", 1], ["zapier", "delivered", 1]]);
    assert.deepEqual(detail.json.attempts.map((a) => [a.destination, a.status, a.outcome]), [["make", 200, "delivered"], ["zapier", 200, "delivered"]]);
    assert.ok(!JSON.stringify(detail.json).includes(JSON.parse(body).data.id), "no payload contents in the ledger's answers");
  });

  await t.test("a Replay while a retry is pending is sent now, and the pending retry is dropped", async () => {
    const body = bodyOf("contact.created", "replay-while-retrying");
    assert.equal((await edge.post(body)).status, 202);
    await eventually(async () => {
      const delivery = await edge.admin("GET", `/admin/deliveries/${idOf(body)}`);
  assert.equal(delivery.status, 200, JSON.stringify(delivery.json));
  const [row] = delivery.json.destinations;
      assert.deepEqual([row.state, row.attempts, row.lastStatus], ["retrying", 1, 500]);
      assert.ok(row.nextAttemptAtMs > Date.now(), "the retry is scheduled");
    });
    // The user presses Replay in AtlasBrokers: the same bytes again.
    const replay = await edge.post(body);
    assert.equal(replay.status, 202, JSON.stringify(replay.json));
    await eventually(() => assert.equal(flaky.copies(body), 1));
    // Past the moment the first chain's retry was due: it found the row delivered.
    await sleep(9_000);
    assert.deepEqual(flaky.of(body).map((r) => r.status), [500, 200]);
    const detail = (await edge.admin("GET", `/admin/deliveries/${idOf(body)}`)).json;
    const [row] = detail.destinations;
    assert.deepEqual([row.state, row.generation, row.attempts], ["delivered", 2, 1]);
    // The history keeps both: attempt 1 of generation 1 (500), attempt 1 of generation 2 (200).
    assert.deepEqual(detail.attempts.map((a) => [a.generation, a.attempt, a.status, a.next]), [[1, 1, 500, "retry"], [2, 1, 200, "done"]]);
    // A Replay of a delivered delivery is accepted and not sent again.
    const again = await edge.post(body);
    assert.equal(again.status, 202);
    await sleep(2_500);
    assert.equal(flaky.of(body).length, 2);
  });

  await t.test("dead letters are ledger rows, replayed one at a time or by filter", async () => {
    const won = [bodyOf("deal.won", "bulk-a"), bodyOf("deal.won", "bulk-b"), bodyOf("deal.won", "bulk-c")];
    const other = bodyOf("deal.lost", "bulk-d");
    for (const b of [...won, other]) assert.equal((await edge.post(b)).status, 202);
    const letters = await eventually(async () => {
      const res = await edge.admin("GET", "/admin/dead-letters?destination=picky&event=deal.won");
      assert.equal(res.status, 200);
      assert.equal(res.json.deadLetters.length, 3, JSON.stringify(res.json));
      return res.json.deadLetters;
    });
    assert.ok(letters.every((l) => l.reason === "rejected" && l.lastStatus === 400 && l.attempts === 1));
    assert.equal(picky.copies(other), 1, "deal.lost was accepted");
    const filtered = await edge.admin("GET", "/admin/dead-letters?event=deal.lost");
    assert.equal(filtered.json.deadLetters.length, 0);
    const typo = await edge.admin("POST", "/admin/dead-letters/replay?destinaton=picky");
    assert.deepEqual([typo.status, typo.json.error], [400, "invalid_filter"], "a typo never widens a bulk replay");

    const dry = await edge.admin("POST", "/admin/dead-letters/replay?destination=picky&event=deal.won&dryRun=true");
    assert.deepEqual([dry.status, dry.json.matched, dry.json.replayed], [200, 3, 0]);
    picky.accept = true;
    // One by id first, then the rest by filter.
    const one = await edge.admin("POST", `/admin/dead-letters/${letters[0].id}/replay`);
    assert.deepEqual([one.status, one.json.status], [202, "replaying"], JSON.stringify(one.json));
    const again = await edge.admin("POST", `/admin/dead-letters/${letters[0].id}/replay`);
    assert.equal(again.status, 404, "a replayed dead letter is no longer one");
    const bulk = await edge.admin("POST", "/admin/dead-letters/replay?destination=picky&event=deal.won");
    assert.deepEqual([bulk.status, bulk.json.matched, bulk.json.replayed, bulk.json.failed], [202, 2, 2, 0], JSON.stringify(bulk.json));
    await eventually(() => {
      for (const b of won) assert.equal(picky.copies(b), 1, "each replayed once");
    });
    await sleep(2_000);
    for (const b of won) assert.equal(picky.of(b).length, 2, "one rejected, one accepted");
    assert.equal(picky.of(other).length, 1, "outside the filter: untouched");
    const left = await edge.admin("GET", "/admin/dead-letters?destination=picky");
    assert.equal(left.json.deadLetters.length, 0);
  });

  await t.test("deliveries are listed newest first, filtered by destination, state and event", async () => {
    const list = await edge.admin("GET", "/admin/deliveries?limit=5");
    assert.equal(list.status, 200);
    const times = list.json.deliveries.map((d) => d.receivedAtMs);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.ok(list.json.deliveries.length <= 5);
    const flakyOnes = await edge.admin("GET", "/admin/deliveries?destination=flaky&state=delivered");
    assert.ok(flakyOnes.json.deliveries.length >= 1);
    assert.ok(flakyOnes.json.deliveries.every((d) => d.destinations.some((x) => x.destination === "flaky" && x.state === "delivered")));
    const leads = await edge.admin("GET", "/admin/deliveries?event=lead.created");
    assert.ok(leads.json.deliveries.every((d) => d.event === "lead.created") && leads.json.deliveries.length >= 1);
    for (const bad of ["limit=0", "state=gone", "before=x", "destination=a%2Fb"]) {
      const res = await edge.admin("GET", `/admin/deliveries?${bad}`);
      assert.deepEqual([res.status, res.json.error], [400, "invalid_filter"], bad);
    }
    const unknown = await edge.admin("GET", `/admin/deliveries/${"0".repeat(64)}`);
    assert.deepEqual([unknown.status, unknown.json.error], [404, "unknown_delivery"]);
  });
});

test("a consumer that dies holding its claim: the claim expires and the delivery is retried once", async (t) => {
  // The first request hangs (the consumer is then killed with it); later ones are accepted.
  const hang = await new Sink("hang", (n) => (n === 1 ? { status: 200, json: {}, delayMs: 120_000 } : { status: 200, json: {} })).listen();
  const { edge } = await edgeFor([hang], {
    name: "atlas-ledger-claim",
    // A claim lasts the forward timeout plus 15 s: 17 s here.
    vars: { ...BASE_VARS, FORWARD_TIMEOUT_MS: "2000", ROUTES: JSON.stringify([{ name: "hang", urlSecret: "HANG_HOOK_URL", events: ["*"] }]) },
    secrets: { ...secrets, HANG_HOOK_URL: hang.url },
    sign,
  }, t);
  const body = bodyOf("policy.renewed", "dies");
  assert.equal((await edge.post(body)).status, 202);
  await eventually(() => assert.equal(hang.of(body).length, 1));
  // The consumer dies mid-forward: workerd is stopped with the request in flight.
  await edge.halt();
  const [claimed] = edge.ledger(`SELECT state, attempts, claim_until IS NOT NULL AS held FROM targets WHERE delivery_id = '${idOf(body)}'`);
  assert.deepEqual(claimed, { state: "delivering", attempts: 1, held: 1 });
  await edge.launch();
  // Cloudflare would deliver the unacknowledged message again; a local queue does not survive
  // a restart, so the same message comes back through AtlasBrokers' Replay. While the dead
  // consumer's claim is live it waits; once expired, it takes over.
  const replay = await edge.post(body);
  assert.equal(replay.status, 202, JSON.stringify(replay.json));
  await eventually(() => assert.equal(hang.of(body).length, 2), 40_000);
  await sleep(3_000);
  assert.equal(hang.of(body).length, 2, "retried once");
  const delivery = await edge.admin("GET", `/admin/deliveries/${idOf(body)}`);
  assert.equal(delivery.status, 200, JSON.stringify(delivery.json));
  const [row] = delivery.json.destinations;
  assert.deepEqual([row.state, row.attempts], ["delivered", 2]);
  const waited = hang.of(body)[1].at - hang.of(body)[0].at;
  assert.ok(waited >= 16_000, `taken over only after the claim expired (${waited} ms)`);
});

test("a message Cloudflare moves to the dead-letter queue is recorded, never forwarded", async (t) => {
  const sink = await new Sink("sink").listen();
  const { edge } = await edgeFor([sink], {
    name: "atlas-ledger-dlq",
    maxRetries: 1,
    vars: { ...BASE_VARS, ROUTES: JSON.stringify([{ name: "sink", urlSecret: "SINK_HOOK_URL", events: ["*"] }]) },
    secrets: { ...secrets, SINK_HOOK_URL: sink.url },
    sign,
    // A storage fault: every claim fails (D1 refuses to mark a row delivering), so the consumer
    // asks the queue to retry, and after max_retries Cloudflare moves the message on.
    beforeLaunch: (e) =>
      e.ledger(`CREATE TRIGGER injected_fault BEFORE UPDATE ON targets WHEN NEW.state = 'delivering' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`),
  }, t);
  const body = bodyOf("contact.updated", "dlq");
  assert.equal((await edge.post(body)).status, 202);
  const letter = await eventually(async () => {
    const res = await edge.admin("GET", "/admin/dead-letters?destination=sink");
    assert.equal(res.json.deadLetters.length, 1, JSON.stringify(res.json));
    return res.json.deadLetters[0];
  }, 60_000);
  assert.deepEqual([letter.reason, letter.deliveryId], ["dead_letter_queue", idOf(body)]);
  assert.match(edge.output(), /Moving message .* to dead letter queue/);
  assert.equal(sink.of(body).length, 0, "never forwarded");
  // The fault is fixed; the dead letter stays one until the operator replays it.
  await edge.halt();
  edge.ledger(`DROP TRIGGER injected_fault`);
  await edge.launch();
  await sleep(2_000);
  assert.equal(sink.of(body).length, 0);
  const replay = await edge.admin("POST", `/admin/dead-letters/${letter.id}/replay`);
  assert.equal(replay.status, 202, JSON.stringify(replay.json));
  await eventually(() => assert.equal(sink.copies(body), 1));
});

test("direct mode records into the same ledger and forwards concurrent identical posts once", async (t) => {
  const sink = await new Sink("sink").listen();
  const { edge } = await edgeFor([sink], {
    name: "atlas-ledger-direct",
    queues: false,
    vars: { ...BASE_VARS, ROUTES: JSON.stringify([{ name: "sink", urlSecret: "SINK_HOOK_URL", events: ["*"] }]) },
    secrets: { ...secrets, SINK_HOOK_URL: sink.url },
    sign,
  }, t);
  const body = bodyOf("deal.won", "direct");
  const answers = await Promise.all(Array.from({ length: 5 }, () => edge.post(body)));
  assert.ok(answers.some((a) => a.status === 200 && a.json.status === "delivered"), JSON.stringify(answers.map((a) => a.json)));
  await sleep(1_000);
  assert.equal(sink.of(body).length, 1);
  const detail = await edge.admin("GET", `/admin/deliveries/${idOf(body)}`);
  assert.deepEqual(detail.json.destinations.map((d) => [d.destination, d.state, d.attempts]), [["sink", "delivered", 1]]);
  assert.equal(detail.json.attempts.length, 1);
  const later = await edge.post(body);
  assert.deepEqual([later.status, later.json.destinations[0].outcome], [200, "duplicate"]);
});

test("an upgrade from 0.2 moves its KV dead letters, kept deliveries and gone marks into the ledger", async (t) => {
  const sink = await new Sink("sink").listen();
  const gone = await new Sink("gone").listen();
  // What 0.2 wrote, as 0.2 wrote it (keys and JSON), put into the local KV before the worker runs.
  const dead = bodyOf("invoice.paid", "v02-dead");
  const kept = bodyOf("booking.created", "v02-kept");
  const message = (body, destination, attempt) => ({
    id: idOf(body), event: JSON.parse(body).event, destination, signature: sign(SECRET, body), attempt, body, receivedAtMs: 1_772_000_000_000,
  });
  const entries = [
    [`dead:001772000000500:sink:${idOf(dead).slice(0, 16)}`, { delivery: message(dead, "sink", 15), reason: "exhausted", lastOutcome: "timeout", lastStatus: null, failedAtMs: 1_772_000_000_500 }],
    [`parked:gone:${createHash("sha256").update(idOf(kept)).digest("hex")}`, { delivery: message(kept, "gone", 1), parkedAtMs: 1_772_000_000_700 }],
    ["gone:gone", { sinceMs: 1_772_000_000_600, deliveryId: idOf(kept) }],
  ];
  const { edge } = await edgeFor([sink, gone], {
    name: "atlas-ledger-upgrade",
    beforeLaunch: (e) => {
      for (const [key, value] of entries) {
        execFileSync(path.join(ROOT, "node_modules/.bin/wrangler"), ["kv", "key", "put", "--local", "--binding", "STATE", "--persist-to", path.join(e.dir, "state"), key, JSON.stringify(value)], {
          cwd: e.dir, env: WRANGLER_ENV, stdio: "pipe",
        });
      }
    },
    vars: { ...BASE_VARS, ROUTES: JSON.stringify([
      { name: "sink", urlSecret: "SINK_HOOK_URL", events: ["*"] },
      { name: "gone", urlSecret: "GONE_HOOK_URL", events: ["*"] },
    ]) },
    secrets: { ...secrets, SINK_HOOK_URL: sink.url, GONE_HOOK_URL: gone.url },
    sign,
  }, t);

  const res = await edge.admin("POST", "/admin/upgrade/kv");
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.deepEqual(res.json.imported, { deadLetters: 1, kept: 1, pausedDestinations: 1 });
  const again = await edge.admin("POST", "/admin/upgrade/kv");
  assert.deepEqual(again.json.imported, { deadLetters: 0, kept: 0, pausedDestinations: 0 }, "moved, not copied");

  const letters = (await edge.admin("GET", "/admin/dead-letters")).json.deadLetters;
  assert.deepEqual(letters.map((l) => [l.deliveryId, l.destination, l.reason, l.lastOutcome, l.attempts]), [[idOf(dead), "sink", "exhausted", "timeout", 15]]);
  const health = await edge.health();
  assert.equal(health.status, 503);
  assert.deepEqual(health.json.gone.map((g) => [g.destination, g.kept]), [["gone", 1]]);
  // Both are sent from the ledger, byte for byte, once.
  assert.equal((await edge.admin("POST", `/admin/dead-letters/${letters[0].id}/replay`)).status, 202);
  const resumed = await edge.admin("POST", "/admin/destinations/gone/resume");
  assert.deepEqual([resumed.status, resumed.json.kept], [202, 1]);
  await eventually(() => {
    assert.equal(sink.copies(dead), 1);
    assert.equal(gone.copies(kept), 1);
  });
  assert.equal(sink.of(dead)[0].headers["x-webhook-secret"], sign(SECRET, dead));
});

test("migrations: from an empty database, and from the previous schema version with rows in it", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-ledger-migrate-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Schema 1 only: a copy of the first migration in its own folder.
  const old = path.join(dir, "migrations-v1");
  fs.mkdirSync(old);
  fs.copyFileSync(path.join(ROOT, "migrations/0001_ledger.sql"), path.join(old, "0001_ledger.sql"));
  writeEdgeConfig(dir, { name: "atlas-ledger-migrate", vars: {}, secrets, migrate: false });
  const toml = path.join(dir, "wrangler.toml");
  const full = fs.readFileSync(toml, "utf8");
  fs.writeFileSync(toml, full.replace(JSON.stringify(path.join(ROOT, "migrations")), JSON.stringify(old)));
  migrateLedger(dir);
  const id = "a".repeat(64);
  const [[version1]] = ledgerQueries(dir, [
    "SELECT value FROM ledger_meta WHERE key = 'schema_version'",
    `INSERT INTO deliveries (id, event, received_at, last_received_at, size, signature) VALUES ('${id}', 'deal.won', 5, 5, 10, 'ab')`,
    `INSERT INTO targets (delivery_id, destination, event, received_at, state, updated_at) VALUES ('${id}', 'zapier', 'deal.won', 5, 'dead', 6)`,
  ].join(";\n"));
  assert.deepEqual(version1, { value: "1" });
  // The upgrade: the repository's migrations folder, applied over it.
  fs.writeFileSync(toml, full);
  const out = migrateLedger(dir);
  assert.match(out, /0002_console_indexes\.sql/);
  assert.match(out, /0003_admin_failures\.sql/);
  assert.match(out, /0004_retention_bodies\.sql/);
  const [version2, kept, indexRows] = ledgerQueries(dir, [
    "SELECT value FROM ledger_meta WHERE key = 'schema_version'",
    `SELECT state FROM targets WHERE delivery_id = '${id}'`,
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ].join(";\n"));
  assert.deepEqual(version2, [{ value: "4" }]);
  assert.deepEqual(kept, [{ state: "dead" }]);
  const indexes = indexRows.map((r) => r.name);
  assert.deepEqual(indexes, ["admin_failures_by_time", "attempts_by_delivery", "attempts_by_time", "attempts_delivered", "attempts_latency", "deliveries_by_event", "deliveries_by_time", "deliveries_with_bodies", "deliveries_with_problems", "targets_by_destination", "targets_by_state", "targets_by_state_time"]);
  // Applying again changes nothing.
  assert.match(migrateLedger(dir), /No migrations to apply/);

  // From an empty database, every migration in order.
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-ledger-fresh-"));
  t.after(() => fs.rmSync(fresh, { recursive: true, force: true }));
  writeEdgeConfig(fresh, { name: "atlas-ledger-fresh", vars: {}, secrets });
  const [freshVersion, [count]] = ledgerQueries(fresh, "SELECT value FROM ledger_meta WHERE key = 'schema_version'; SELECT count(*) AS n FROM deliveries");
  assert.deepEqual(freshVersion, [{ value: "4" }]);
  assert.equal(count.n, 0);
});

test("the console's queries use indexes (EXPLAIN QUERY PLAN on a migrated ledger)", async (t) => {
  const file = path.join(ROOT, "target/ledger-queries.json");
  assert.ok(fs.existsSync(file), "target/ledger-queries.json is written by `cargo test -p atlasbrokers-edge`");
  const queries = JSON.parse(fs.readFileSync(file, "utf8"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-ledger-plans-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeEdgeConfig(dir, { name: "atlas-ledger-plans", vars: {}, secrets });
  const literal = (v) => (typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  const rows = [];
  // ?N parameters become their example values (D1's execute takes no bindings); one call.
  const sql = queries.map((q) => `EXPLAIN QUERY PLAN ${q.sql.replace(/\?(\d+)/g, (_, n) => literal(q.binds[Number(n) - 1]))}`);
  const plans = ledgerQueries(dir, sql.join(";\n"));
  assert.equal(plans.length, queries.length);
  for (const [i, q] of queries.entries()) {
    const plan = plans[i].map((r) => r.detail);
    // A bare "SCAN <table>" reads the whole table; "SCAN ... USING INDEX" walks an index in
    // order, "SEARCH" seeks. The json_each table-valued function is a scan of its argument.
    const fullScans = plan.filter((d) => /^SCAN (\w+)$/.test(d) && !/^SCAN (json_each|p)$/.test(d));
    rows.push([q.name, plan.join("; ")]);
    assert.deepEqual(fullScans, [], `${q.name}: ${plan.join("; ")}`);
    // Pages (newest first, LIMIT n) are read in index order, never sorted whole (a "LAST
    // TERM OF ORDER BY" sort only orders the rows of one millisecond by id).
    if (/^(deliveries|dead letters)/.test(q.name)) assert.ok(!plan.some((d) => d.includes("TEMP B-TREE FOR ORDER BY")), `${q.name}: ${plan.join("; ")}`);
  }
  fs.writeFileSync(path.join(ROOT, "target/ledger-query-plans.md"), markdownTable(["Query", "Plan (SQLite EXPLAIN QUERY PLAN)"], rows) + "\n");
});
