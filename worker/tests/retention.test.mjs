// Retention under `wrangler dev --local --test-scheduled`: deliveries go through the worker to
// real local destinations (delivered, retrying, paused, pending, dead, unrouted, bodies in KV),
// are then aged in the stopped edge's ledger (one process per local database), and the Cron
// Trigger's handler is run through /__scheduled. What is old and finished goes; what is recent,
// still to be delivered or still replayable stays; the run logs one line of counts.
import test from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { BIN, ROOT, Sink, WRANGLER_ENV, edgeFor, eventually, ledgerQueries, markdownTable, randomToken } from "./edge-harness.mjs";

const SECRET = "whsec_retention_test_5c1e";
const ADMIN = "admin-retention-test";
const DAY = 86_400_000;
const RETENTION_DAYS = 10;
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const idOf = sha256;
/** Where the worker keeps a dead letter's or kept delivery's body in KV (`keys::body`). */
const bodyKey = (id) => `body:${sha256(id)}`;
/** Whether `key` is a body too large for a queue message as one receipt stored it (`keys::in_flight`). */
const isInFlightKeyOf = (key, id) => key.startsWith(`${bodyKey(id)}:`) && /^\d+$/.test(key.slice(bodyKey(id).length + 1));

/** A distinct catalog sample of `event`; `padding` characters more make it too large for a queue message. */
function bodyOf(event, padding = 0) {
  const envelope = JSON.parse(sampleBody(event));
  envelope.data.id = `${envelope.data.id}_${randomToken()}`;
  if (padding) envelope.data.notes = "n".repeat(padding);
  return JSON.stringify(envelope);
}

/** SQL that moves a delivery's times `days` into the past (what waiting that long would do). */
function age(id, days) {
  const ms = days * DAY;
  return [
    `UPDATE deliveries SET received_at = received_at - ${ms}, last_received_at = last_received_at - ${ms} WHERE id = '${id}'`,
    `UPDATE targets SET received_at = received_at - ${ms}, updated_at = updated_at - ${ms}, delivered_at = delivered_at - ${ms} WHERE delivery_id = '${id}'`,
    `UPDATE attempts SET started_at = started_at - ${ms} WHERE delivery_id = '${id}'`,
  ];
}

/** Keys in the stopped edge's local KV. */
function kvKeys(dir) {
  const out = execFileSync(path.join(BIN, "wrangler"), ["kv", "key", "list", "--local", "--binding", "STATE", "--persist-to", path.join(dir, "state")], {
    cwd: dir, env: WRANGLER_ENV, encoding: "utf8",
  });
  return JSON.parse(out.slice(out.indexOf("["))).map((k) => k.name);
}

test("the Cron Trigger prunes what is old and finished, and nothing still to be delivered or replayable", async (t) => {
  const ok = await new Sink("ok").listen();
  const flaky = await new Sink("flaky", () => ({ status: 500, json: { error: "down" } })).listen();
  const gone = await new Sink("gone", () => ({ status: 410, json: { error: "hook deleted" } })).listen();
  const held = await new Sink("held").listen();
  const picky = await new Sink("picky", () => ({ status: 400, json: { error: "no" } })).listen();
  const sinks = [ok, flaky, gone, held, picky];
  const route = (sink, events) => ({ name: sink.name, urlSecret: `${sink.name.toUpperCase()}_HOOK_URL`, events });
  const routes = [
    route(ok, ["lead.*", "contact.created"]),
    route(flaky, ["contact.created"]),
    route(gone, ["deal.lost"]),
    route(held, ["policy.renewed"]),
    route(picky, ["deal.won"]),
  ];
  const secrets = { ATLAS_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN };
  for (const s of sinks) secrets[`${s.name.toUpperCase()}_HOOK_URL`] = s.url;
  const { edge } = await edgeFor(sinks, {
    name: "atlas-retention",
    args: ["--test-scheduled"],
    vars: {
      ALLOW_HTTP_LOOPBACK: "true",
      ROUTES: JSON.stringify(routes),
      LEDGER_RETENTION_DAYS: String(RETENTION_DAYS),
      // The flaky destination's retry is due an hour later: still retrying when pruned.
      BACKOFF_BASE_MS: "3600000",
      BACKOFF_MAX_MS: "3600000",
    },
    secrets,
    sign,
    // A pending row: claims of the "held" destination are ignored (a consumer that never got
    // to it), so its row stays as receiving wrote it.
    beforeLaunch: (e) =>
      e.ledger(`CREATE TRIGGER hold BEFORE UPDATE ON targets WHEN NEW.state = 'delivering' AND OLD.destination = 'held' BEGIN SELECT RAISE(IGNORE); END`),
  }, t);

  // Each delivery, what it becomes, and how many days it is then aged.
  const cases = {
    oldDelivered: { body: bodyOf("lead.created"), states: { ok: "delivered" }, days: 20 },
    recentDelivered: { body: bodyOf("lead.created"), states: { ok: "delivered" }, days: 0 },
    oldMixed: { body: bodyOf("contact.created"), states: { ok: "delivered", flaky: "retrying" }, days: 20 },
    oldPaused: { body: bodyOf("deal.lost"), states: { gone: "paused" }, days: 20 },
    oldPending: { body: bodyOf("policy.renewed"), states: { held: "pending" }, days: 20 },
    largeDelivered: { body: bodyOf("lead.converted", 120_000), states: { ok: "delivered" }, days: 8 },
    largeRecent: { body: bodyOf("lead.converted", 120_000), states: { ok: "delivered" }, days: 2 },
    deadRecent: { body: bodyOf("deal.won"), states: { picky: "dead" }, days: 20 },
    deadOld: { body: bodyOf("deal.won"), states: { picky: "dead" }, days: 40 },
    unrouted: { body: bodyOf("invoice.paid"), states: {}, days: 20 },
  };
  for (const c of Object.values(cases)) c.id = idOf(c.body);

  await t.test("deliveries through the worker reach every state", async () => {
    for (const [name, c] of Object.entries(cases)) {
      const res = await edge.post(c.body);
      assert.ok([200, 202].includes(res.status), `${name}: ${JSON.stringify(res.json)}`);
    }
    await eventually(async () => {
      for (const [name, c] of Object.entries(cases)) {
        const res = await edge.admin("GET", `/admin/deliveries/${c.id}`);
        assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.json)}`);
        const states = Object.fromEntries(res.json.destinations.map((d) => [d.destination, d.state]));
        assert.deepEqual(states, c.states, name);
      }
    });
    // Failed sign-ins are counted per client, in the ledger.
    assert.equal((await edge.admin("GET", "/admin/deliveries", "wrong-token")).status, 401);
  });

  await t.test("the run removes exactly what is old and finished", async () => {
    await edge.halt();
    const before = ledgerQueries(edge.dir, "SELECT count(*) AS n FROM admin_failures; SELECT id, body_key FROM deliveries WHERE body_key IS NOT NULL");
    const [[{ n: failures }], stored] = before;
    assert.ok(failures >= 1, "a failed sign-in is counted");
    const keyOf = Object.fromEntries(stored.map((r) => [r.id, r.body_key]));
    for (const name of ["largeDelivered", "largeRecent", "deadRecent", "deadOld"]) assert.ok(keyOf[cases[name].id], `${name} has a body in KV`);
    // Too large for a message: kept under its receipt's own key; a dead letter's copy: under the delivery's.
    for (const name of ["largeDelivered", "largeRecent"]) assert.ok(isInFlightKeyOf(keyOf[cases[name].id], cases[name].id), keyOf[cases[name].id]);
    for (const name of ["deadRecent", "deadOld"]) assert.equal(keyOf[cases[name].id], bodyKey(cases[name].id));
    const keysBefore = kvKeys(edge.dir);
    for (const name of ["largeDelivered", "largeRecent", "deadRecent"]) assert.ok(keysBefore.includes(keyOf[cases[name].id]), name);

    const aging = Object.values(cases).flatMap((c) => (c.days ? age(c.id, c.days) : []));
    aging.push(`UPDATE admin_failures SET window_start = window_start - ${2 * DAY}`, "DROP TRIGGER hold");
    // A Replay whose messages are not consumed yet when the run starts: the consumer's move of
    // last_received_at is held back, so the ledger still says "delivered everywhere, long ago".
    const replayed = cases.largeDelivered;
    aging.push(`CREATE TRIGGER hold_replay BEFORE UPDATE ON deliveries WHEN OLD.id = '${replayed.id}' AND NEW.last_received_at <> OLD.last_received_at BEGIN SELECT RAISE(IGNORE); END`);
    ledgerQueries(edge.dir, aging.join(";\n"));
    await edge.launch();
    const replay = await edge.post(replayed.body);
    assert.ok([200, 202].includes(replay.status), JSON.stringify(replay.json));

    const started = Date.now();
    const res = await fetch(`${edge.base}/__scheduled?cron=${encodeURIComponent("17 3 * * *")}`);
    assert.equal(res.status, 200, await res.text());
    const runs = () => edge.output().split("\n").map((l) => l.trim()).filter((l) => l.includes('"retention":{'));
    const line = await eventually(() => {
      assert.equal(runs().length, 1);
      return JSON.parse(runs()[0]);
    });
    assert.deepEqual(line.retention, { bodies: 1, adminFailures: failures, targets: 3, attempts: 3, deliveries: 3 }, JSON.stringify(line));
    assert.deepEqual([line.level, line.retentionDays, line.complete, line.failed], ["info", RETENTION_DAYS, true, []]);
    assert.ok(line.ms >= 0 && line.ms < Date.now() - started + 1000, JSON.stringify(line));
    // Counts only: no id of any delivery, no payload.
    for (const c of Object.values(cases)) {
      assert.ok(!runs()[0].includes(c.id) && !runs()[0].includes(JSON.parse(c.body).data.id));
    }

    // Run again: what is left is not prunable, so nothing more goes.
    await fetch(`${edge.base}/__scheduled?cron=${encodeURIComponent("17 3 * * *")}`);
    const again = await eventually(() => {
      assert.equal(runs().length, 2);
      return JSON.parse(runs()[1]);
    });
    assert.deepEqual(again.retention, { bodies: 0, adminFailures: 0, targets: 0, attempts: 0, deliveries: 0 });
    await edge.halt();

    const [deliveries, targets, attempts, [{ n: failuresLeft }]] = ledgerQueries(edge.dir, [
      "SELECT id, body_key FROM deliveries",
      "SELECT delivery_id, destination, state FROM targets",
      "SELECT delivery_id, destination FROM attempts",
      "SELECT count(*) AS n FROM admin_failures",
    ].join(";\n"));
    const rowsOf = (rows, id) => rows.filter((r) => (r.delivery_id ?? r.id) === id);
    const kept = (name) => rowsOf(deliveries, cases[name].id).length === 1;
    const targetsOf = (name) => Object.fromEntries(rowsOf(targets, cases[name].id).map((r) => [r.destination, r.state]));
    const attemptsOf = (name) => rowsOf(attempts, cases[name].id).map((r) => r.destination).sort();

    // Old and finished: the delivery, its rows and its attempts are gone.
    for (const name of ["oldDelivered", "deadOld", "unrouted"]) {
      assert.ok(!kept(name), `${name} is pruned`);
      assert.deepEqual([targetsOf(name), attemptsOf(name)], [{}, []], name);
    }
    // Recent, or not finished, however old: kept with its history.
    assert.ok(kept("recentDelivered"));
    assert.deepEqual([targetsOf("recentDelivered"), attemptsOf("recentDelivered")], [{ ok: "delivered" }, ["ok"]]);
    assert.deepEqual([targetsOf("oldPaused"), attemptsOf("oldPaused")], [{ gone: "paused" }, ["gone"]]);
    assert.deepEqual([targetsOf("oldPending"), attemptsOf("oldPending")], [{ held: "pending" }, []]);
    assert.ok(kept("oldPending") && kept("oldPaused"));
    // Delivered at one destination, retrying at another: only the finished part goes.
    assert.ok(kept("oldMixed"));
    assert.deepEqual([targetsOf("oldMixed"), attemptsOf("oldMixed")], [{ flaky: "retrying" }, ["flaky"]]);
    // A dead letter 20 days old outlives a 10-day retention: its body is kept 30 days for a replay.
    assert.deepEqual([targetsOf("deadRecent"), attemptsOf("deadRecent")], [{ picky: "dead" }, ["picky"]]);
    assert.equal(failuresLeft, 0, "sign-in failures older than a day are gone");

    // Bodies: the one delivered everywhere and past BODY_TTL_SECONDS is deleted from KV and
    // forgotten; one still within it (a message for a destination without a row may need it)
    // and the dead letter's stay.
    const bodyOfRow = (name) => rowsOf(deliveries, cases[name].id)[0].body_key;
    assert.equal(bodyOfRow("largeDelivered"), null);
    for (const name of ["largeRecent", "deadRecent"]) assert.equal(bodyOfRow(name), keyOf[cases[name].id], name);
    const keysAfter = kvKeys(edge.dir);
    assert.ok(!keysAfter.includes(keyOf[replayed.id]), "the delivered body is deleted from KV");
    for (const name of ["largeRecent", "deadRecent"]) assert.ok(keysAfter.includes(keyOf[cases[name].id]), `${name}'s body stays`);
    // The Replay's copy, which its messages read, is under its own key, and outlives the run.
    const replayCopies = keysAfter.filter((k) => isInFlightKeyOf(k, replayed.id));
    assert.equal(replayCopies.length, 1, JSON.stringify(replayCopies));
    assert.notEqual(replayCopies[0], keyOf[replayed.id]);
    // Nothing was delivered again, and no destination lost its delivery.
    assert.equal(ok.copies(cases.largeDelivered.body), 1);
    assert.equal(held.requests.length, 0);
  });

  await t.test("the retention statements use indexes (EXPLAIN QUERY PLAN on the migrated ledger)", () => {
    const file = path.join(ROOT, "target/retention-queries.json");
    assert.ok(fs.existsSync(file), "target/retention-queries.json is written by `cargo test -p atlasbrokers-edge`");
    const queries = JSON.parse(fs.readFileSync(file, "utf8"));
    const literal = (v) => (typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    const sql = queries.map((q) => `EXPLAIN QUERY PLAN ${q.sql.replace(/\?(\d+)/g, (_, n) => literal(q.binds[Number(n) - 1]))}`);
    const plans = ledgerQueries(edge.dir, sql.join(";\n"));
    assert.equal(plans.length, queries.length);
    const rows = [];
    for (const [i, q] of queries.entries()) {
      const plan = plans[i].map((r) => r.detail);
      rows.push([q.name, plan.join("; ")]);
      // A bare "SCAN <table>" reads the whole table (json_each scans its argument).
      const fullScans = plan.filter((d) => /^SCAN (\w+)$/.test(d) && d !== "SCAN json_each");
      assert.deepEqual(fullScans, [], `${q.name}: ${plan.join("; ")}`);
      // Bodies: only the few deliveries that keep one are walked (a partial index).
      if (q.name === "bodies") assert.match(plan[0], /USING INDEX deliveries_with_bodies/, plan.join("; "));
    }
    fs.writeFileSync(path.join(ROOT, "target/retention-query-plans.md"), markdownTable(["Statement", "Plan (SQLite EXPLAIN QUERY PLAN)"], rows) + "\n");
  });
});
