// Soak run of the edge verifier (issue 9): the built worker under `wrangler dev --local` in
// queue mode, two destinations (Zapier-like JSON 200, Make-like "Accepted") that each fail
// ~20 % of requests at random (500, or 429 with Retry-After: 1), and N distinct signed
// deliveries of all 15 catalog events posted at bounded concurrency. Counts per destination:
// delivered, lost, duplicated (the documented "accepted but answered too late" case apart),
// dead-lettered, and refused authentic posts; accept latency p50/p99/max. Writes the table to
// RELIABILITY.md (or --out) and exits non-zero when a target is missed.
//   node bench/soak.mjs [--deliveries N] [--concurrency C] [--out RELIABILITY.md]
// Needs `make pack` (pkg/) and `make worker` (worker/build/).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { EVENT_TYPES, sign } from "../pkg/index.mjs";
import { ROOT, Sink, ledgerQueries, markdownTable, percentile, randomToken, sleep, startEdge } from "../worker/tests/edge-harness.mjs";

const { values: args } = parseArgs({
  options: {
    deliveries: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    out: { type: "string", default: "RELIABILITY.md" },
    "failure-rate": { type: "string", default: "0.2" },
    "max-wait-seconds": { type: "string", default: "300" },
    // A worker/build/ of an earlier version: its accept latency is measured first, in the same
    // run, on the same deliveries and destinations (see `make soak`).
    baseline: { type: "string" },
    "baseline-label": { type: "string", default: "baseline" },
    // Accept-latency rounds per build, alternated (earlier, this, earlier, this...) so that a
    // drift of the machine over the run falls on both.
    "latency-rounds": { type: "string", default: "2" },
  },
});
const N = Number(args.deliveries);
const CONCURRENCY = Number(args.concurrency);
const FAILURE_RATE = Number(args["failure-rate"]);
const MAX_WAIT_MS = Number(args["max-wait-seconds"]) * 1000;
const OUT = path.resolve(process.cwd(), args.out);
if (!(N >= 1 && Number.isInteger(N)) || !(CONCURRENCY >= 1 && Number.isInteger(CONCURRENCY)) || !(FAILURE_RATE >= 0 && FAILURE_RATE < 1)) {
  console.error("usage: node bench/soak.mjs [--deliveries N] [--concurrency C] [--out RELIABILITY.md] [--failure-rate 0.2]");
  process.exit(2);
}

const SECRET = `whsec_soak_${randomToken()}`;
const ADMIN = `admin-soak-${randomToken()}`;
const RUN = randomToken();
const FORWARD_TIMEOUT_MS = 10_000;
const VARS = {
  ALLOW_HTTP_LOOPBACK: "true",
  MAX_ATTEMPTS: "10",
  BACKOFF_BASE_MS: "200",
  BACKOFF_MAX_MS: "2000",
  FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS),
};
const log = (...a) => console.error(`[soak +${((Date.now() - T0) / 1000).toFixed(1)} s]`, ...a);
const T0 = Date.now();

// ---- the deliveries -----------------------------------------------------------------------------

const bodies = [];
const indexOf = new Map();
for (let i = 0; i < N; i++) {
  const type = EVENT_TYPES[i % EVENT_TYPES.length];
  const envelope = JSON.parse(type.sampleBody);
  envelope.timestamp = new Date(Date.UTC(2026, 3, 1) + i * 1000).toISOString();
  envelope.data.id = `${envelope.data.id}_soak_${RUN}_${i}`;
  const body = JSON.stringify(envelope);
  bodies.push(body);
  indexOf.set(body, i);
}

// ---- the destinations ---------------------------------------------------------------------------

/** Answers `ok` or, with probability FAILURE_RATE, a 500 or a 429 with Retry-After: 1. */
const flaky = (ok, injected) => () => {
  if (Math.random() < FAILURE_RATE) {
    if (Math.random() < 0.5) {
      injected.s500++;
      return { status: 500, json: { error: "internal error" } };
    }
    injected.s429++;
    return { status: 429, headers: { "retry-after": "1" }, json: { error: "rate limited" } };
  }
  return ok;
};
const injected = { zapier: { s500: 0, s429: 0 }, make: { s500: 0, s429: 0 } };
const sinks = [
  new Sink("zapier", flaky({ status: 200, json: { status: "success", attempt: "soak", id: "x", request_id: "y" } }, injected.zapier)),
  new Sink("make", flaky({ status: 200, text: "Accepted" }, injected.make)),
];

let edge;
let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  if (edge) await edge.stop().catch(() => {});
  await Promise.all(sinks.map((s) => s.close().catch(() => {})));
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

/** Posts every delivery at CONCURRENCY; the accept latency of each, and what was accepted. */
async function postAll(target) {
  const latencies = [];
  const refused = [];
  const accepted = new Set();
  const deliveryIds = [];
  let next = 0;
  const postStart = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, N) }, async () => {
      while (next < N) {
        const i = next++;
        try {
          const res = await target.post(bodies[i]);
          latencies.push(res.ms);
          if (res.status === 202 && res.json.status === "accepted") {
            accepted.add(i);
            deliveryIds[i] = res.json.deliveryId;
          }
          else refused.push({ i, status: res.status, answer: res.json.error ?? res.json.status });
        } catch (error) {
          refused.push({ i, status: 0, answer: String(error.cause?.code ?? error.message) });
        }
      }
    }),
  );
  return { latencies, refused, accepted, deliveryIds, postStart };
}

/** A build (`from`), on its own state and destinations failing alike: accept latency only. */
async function latencyRun(from, label, consume) {
  const own = { zapier: { s500: 0, s429: 0 }, make: { s500: 0, s429: 0 } };
  const baseSinks = [
    new Sink("zapier", flaky({ status: 200, json: { status: "success" } }, own.zapier)),
    new Sink("make", flaky({ status: 200, text: "Accepted" }, own.make)),
  ];
  await Promise.all(baseSinks.map((s) => s.listen()));
  const base = await startEdge({
    name: "atlas-soak-latency",
    sign,
    from,
    consume,
    vars: { ...VARS, ROUTES: JSON.stringify(baseSinks.map((s) => ({ name: s.name, urlSecret: `HOOK_${s.name.toUpperCase()}`, events: ["*"] }))) },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN, ...Object.fromEntries(baseSinks.map((s) => [`HOOK_${s.name.toUpperCase()}`, s.url])) },
  });
  try {
    log(`${label} ready; posting ${N} deliveries`);
    const run = await postAll(base);
    log(`${label}: ${run.accepted.size} accepted, p50 ${percentile(run.latencies, 50).toFixed(1)} ms`);
    // Let its consumer drain a while, as the measured run's does, before stopping it.
    await sleep(5_000);
    return run;
  } finally {
    await base.stop();
    await Promise.all(baseSinks.map((s) => s.close()));
  }
}

try {
  // Two conditions: the accept path alone (nothing consumes the queue), and with the consumer
  // forwarding on the same two cores (in production it runs in other invocations).
  const rounds = [];
  if (args.baseline) {
    for (let r = 0; r < Number(args["latency-rounds"]); r++) {
      for (const consume of [false, true]) {
        const what = consume ? "consumer running" : "accept path alone";
        const before = await latencyRun(path.resolve(args.baseline), `${args["baseline-label"]}, ${what}, round ${r + 1}`, consume);
        const after = await latencyRun(path.join(ROOT, "worker/build"), `this build, ${what}, round ${r + 1}`, consume);
        rounds.push({ before, after, consume, round: r + 1 });
      }
    }
  }
  await Promise.all(sinks.map((s) => s.listen()));
  edge = await startEdge({
    name: "atlas-soak",
    sign,
    vars: {
      ...VARS,
      ROUTES: JSON.stringify(sinks.map((s) => ({ name: s.name, urlSecret: `HOOK_${s.name.toUpperCase()}`, events: ["*"] }))),
    },
    secrets: {
      ATLAS_WEBHOOK_SECRET: SECRET,
      ADMIN_TOKEN: ADMIN,
      ...Object.fromEntries(sinks.map((s) => [`HOOK_${s.name.toUpperCase()}`, s.url])),
    },
  });
  log(`edge ready at ${edge.base}; posting ${N} deliveries at concurrency ${CONCURRENCY}`);

  // ---- post ---------------------------------------------------------------------------------------
  const { latencies, refused, accepted, deliveryIds, postStart } = await postAll(edge);
  const postMs = performance.now() - postStart;
  log(`posted in ${(postMs / 1000).toFixed(1)} s; ${accepted.size} accepted, ${refused.length} refused`);

  // ---- wait until every accepted delivery reached each destination, or progress stops ----------
  const arrivedAt = () => sinks.reduce((n, s) => n + s.requests.length, 0);
  const missing = () => {
    let m = 0;
    for (const s of sinks) {
      const got = new Set(s.requests.filter((r) => r.processed).map((r) => indexOf.get(r.body.toString("utf8"))));
      for (const i of accepted) if (!got.has(i)) m++;
    }
    return m;
  };
  const waitStart = Date.now();
  let lastProgress = Date.now();
  let seen = arrivedAt();
  let lastReport = 0;
  while (missing() > 0 && Date.now() - waitStart < MAX_WAIT_MS && Date.now() - lastProgress < 30_000) {
    await sleep(500);
    const now = arrivedAt();
    if (now !== seen) {
      seen = now;
      lastProgress = Date.now();
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`${missing()} (delivery, destination) pairs still missing; ${now} requests at the destinations`);
    }
  }
  const drainedMs = performance.now() - postStart;
  const stopped = missing() > 0 ? (Date.now() - waitStart >= MAX_WAIT_MS ? "time limit" : "no progress for 30 s") : null;
  // Late duplicates (a retry racing an acknowledgement) would show up in the next seconds.
  await sleep(5000);
  const deadLetters = await edge.admin("GET", "/admin/dead-letters?limit=500");
  await sleep(500);
  // What the ledger recorded, read once the worker is stopped (one process per local database).
  await edge.halt();
  const [ledgerStates, [ledgerAttempts], [ledgerDeliveries]] = ledgerQueries(
    edge.dir,
    "SELECT state, count(*) AS n FROM targets GROUP BY state ORDER BY state; SELECT count(*) AS n FROM attempts; SELECT count(*) AS n FROM deliveries",
  );

  // ---- count --------------------------------------------------------------------------------------
  // Attempts the worker gave up on locally (timeout, reset) while the destination got them.
  const unanswered = new Set(
    edge
      .attempts()
      .filter((a) => a.outcome === "timeout" || a.outcome === "network_error")
      .map((a) => `${a.destination}|${a.deliveryId}|${a.attempt}`),
  );
  const webhookBad = [];
  const perDestination = sinks.map((sink) => {
    const copies = new Map();
    const requests = new Map();
    let strangers = 0;
    for (const r of sink.requests) {
      const text = r.body.toString("utf8");
      const i = indexOf.get(text);
      if (i === undefined || r.headers["x-webhook-secret"] !== sign(SECRET, text)) {
        strangers++;
        continue;
      }
      if (!requests.has(i)) requests.set(i, []);
      requests.get(i).push(r);
      if (r.processed) copies.set(i, (copies.get(i) ?? 0) + 1);
    }
    if (strangers) webhookBad.push(`${sink.name}: ${strangers} requests that are not an authentic delivery byte for byte`);
    let lost = 0;
    const lostExamples = [];
    let duplicatedLate = 0;
    let duplicatedOther = 0;
    const otherExamples = [];
    for (const i of accepted) {
      const n = copies.get(i) ?? 0;
      if (n === 0) {
        lost++;
        if (lostExamples.length < 5) {
          const id = deliveryIds[i];
          const got = (requests.get(i) ?? []).map((r) => `${r.headers["x-atlas-attempt"]}:${r.reset ? "reset" : r.status}`);
          const logged = edge
            .attempts()
            .filter((a) => a.destination === sink.name && a.deliveryId === id)
            .map((a) => `${a.attempt}:${a.status ?? a.outcome}->${a.next}${a.retryInSeconds !== undefined ? `(${a.retryInSeconds}s)` : ""}`);
          lostExamples.push(`#${i} ${JSON.parse(bodies[i]).event}: destination got [${got.join(" ")}], worker logged [${logged.join(" ")}]`);
        }
      }
      if (n > 1) {
        const done = requests.get(i).filter((r) => r.processed);
        const late = done.some(
          (r) =>
            unanswered.has(`${sink.name}|${r.headers["x-atlas-delivery-id"]}|${r.headers["x-atlas-attempt"]}`) ||
            r.reset ||
            r.answeredAt - r.at > FORWARD_TIMEOUT_MS,
        );
        if (late) duplicatedLate++;
        else {
          duplicatedOther++;
          if (otherExamples.length < 5) otherExamples.push(`#${i} attempts ${done.map((r) => r.headers["x-atlas-attempt"]).join(",")}`);
        }
      }
    }
    const letters = (deadLetters.json.deadLetters ?? []).filter((d) => d.destination === sink.name).length;
    const attempts = edge.attempts().filter((a) => a.destination === sink.name);
    return {
      name: sink.name,
      delivered: [...accepted].filter((i) => (copies.get(i) ?? 0) > 0).length,
      lost,
      duplicatedLate,
      duplicatedOther,
      otherExamples,
      lostExamples,
      deadLettered: letters,
      requests: sink.requests.length,
      injected500: injected[sink.name].s500,
      injected429: injected[sink.name].s429,
      attemptsLogged: attempts.length,
      maxAttempt: attempts.reduce((m, a) => Math.max(m, a.attempt), 0),
    };
  });

  // ---- report -------------------------------------------------------------------------------------
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const [p50, p99, max] = [percentile(latencies, 50), percentile(latencies, 99), Math.max(...latencies)];
  const nproc = (() => {
    try {
      return execFileSync("nproc", { encoding: "utf8" }).trim();
    } catch {
      return String(os.cpus().length);
    }
  })();
  const commit = (() => {
    try {
      const head = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
      const dirty = execFileSync("git", ["-C", ROOT, "status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim();
      return dirty ? `${head} + uncommitted changes` : head;
    } catch {
      return "unknown";
    }
  })();
  const buildTime = (() => {
    try {
      return fs.statSync(path.join(ROOT, "worker/build/index_bg.wasm")).mtime.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    } catch {
      return "unknown time";
    }
  })();
  const wranglerVersion = (() => {
    try {
      return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version;
    } catch {
      return "unknown";
    }
  })();
  const command = `node bench/soak.mjs --deliveries ${N} --concurrency ${CONCURRENCY} --out ${path.relative(ROOT, OUT) || OUT}` +
    (args.baseline ? ` --baseline ${path.relative(ROOT, path.resolve(args.baseline))} --baseline-label ${args["baseline-label"]} --latency-rounds ${args["latency-rounds"]}` : "");

  const table = markdownTable(
    ["Destination", "Accepted", "Delivered", "Lost", "Duplicated (answered too late)", "Duplicated (other)", "Dead-lettered",
      "Requests received", "Failures injected (500 / 429)", "Attempts logged (max per delivery)"],
    perDestination.map((d) => [
      d.name, accepted.size, d.delivered, d.lost, d.duplicatedLate, d.duplicatedOther, d.deadLettered,
      d.requests, `${d.injected500} / ${d.injected429}`, `${d.attemptsLogged} (${d.maxAttempt})`,
    ]),
  );
  const totals = markdownTable(
    ["Posted", "Accepted (202)", "Refused (authentic, non-202)", "Accept p50", "Accept p99", "Accept max", "Posting time", "Time until all delivered", "Deliveries/s posted", "Deliveries/s delivered"],
    [[
      N, accepted.size, refused.length, fmt(p50), fmt(p99), fmt(max), `${(postMs / 1000).toFixed(1)} s`,
      `${(drainedMs / 1000).toFixed(1)} s${stopped ? ` (stopped: ${stopped})` : ""}`,
      (N / (postMs / 1000)).toFixed(1), (accepted.size / (drainedMs / 1000)).toFixed(1),
    ]],
  );
  // The local queue's own view: batches where the consumer asked for a redelivery (x/y with
  // x < y, the worker's message.retry() after a storage error, or a failed invocation), and
  // messages miniflare dropped after its own retries (the test config binds no dead-letter queue).
  const output = edge.output().split("\n");
  const partialBatches = output.filter((l) => {
    const m = /QUEUE \S+ (\d+)\/(\d+)/.exec(l);
    return m && Number(m[1]) < Number(m[2]);
  });
  const dropped = output.filter((l) => /Dropped message|to dead letter queue/.test(l));
  const errors = output.filter((l) => /error|exception|exceeded|uncaught|✘/i.test(l) && !l.trim().startsWith('{"deliveryId"'));
  if (partialBatches.length || dropped.length || errors.length) {
    log(`queue batches with redeliveries: ${partialBatches.length}; dropped: ${dropped.length}; error lines: ${errors.length}`);
    for (const l of [...dropped, ...errors].slice(0, 10)) log(`  ${l}`);
  }
  const requestsTotal = sinks.reduce((n, sk) => n + sk.requests.length, 0);
  const delivered = ledgerStates.find((r) => r.state === "delivered")?.n ?? 0;
  const ledgerLine = `Ledger after the run: ${ledgerDeliveries.n} deliveries; (delivery, destination) rows by state: ` +
    `${ledgerStates.map((r) => `${r.state} ${r.n}`).join(", ") || "none"}; ${ledgerAttempts.n} attempt rows ` +
    `for ${requestsTotal} requests the destinations received.`;
  const latencyRows = [];
  const signed = (ms) => `${ms >= 0 ? "+" : ""}${ms.toFixed(1)} ms`;
  // Each round: the earlier build, then this one; the verdict takes the median difference.
  const diffs = { false: [], true: [] };
  for (const { before, after, consume, round } of rounds) {
    const [b50, b99, a50, a99] = [percentile(before.latencies, 50), percentile(before.latencies, 99), percentile(after.latencies, 50), percentile(after.latencies, 99)];
    diffs[consume].push(a50 - b50);
    const what = consume ? "consumer running" : "accept path alone";
    latencyRows.push([round, what, `${args["baseline-label"]} (before the ledger)`, before.accepted.size, fmt(b50), fmt(b99), ""]);
    latencyRows.push([round, what, "this build (with the ledger)", after.accepted.size, fmt(a50), fmt(a99), `${signed(a50 - b50)} p50, ${signed(a99 - b99)} p99`]);
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
  };
  const lost = perDestination.reduce((n, d) => n + d.lost, 0);
  const dupOther = perDestination.reduce((n, d) => n + d.duplicatedOther, 0);
  const dupLate = perDestination.reduce((n, d) => n + d.duplicatedLate, 0);
  const verdicts = [
    [lost === 0, `0 lost: ${lost} (delivery, destination) pairs never arrived` +
      (lost ? ` (${perDestination.flatMap((d) => d.lostExamples.map((x) => `${d.name} ${x}`)).join("; ")})` : "")],
    [dupOther === 0, `0 duplicated outside the documented "accepted but answered too late" case: ${dupOther}` +
      (dupOther ? ` (${perDestination.flatMap((d) => d.otherExamples.map((x) => `${d.name} ${x}`)).join("; ")})` : "") +
      ` (${dupLate} in the documented case)`],
    [refused.length === 0, `0 authentic deliveries refused: ${refused.length}` +
      (refused.length ? ` (${[...new Set(refused.map((r) => `${r.status} ${r.answer}`))].join(", ")})` : "")],
    [webhookBad.length === 0, `only authentic bytes reached the destinations${webhookBad.length ? `: ${webhookBad.join("; ")}` : ""}`],
    [edge.reloads() === 0, `a valid run: wrangler reloaded the worker ${edge.reloads()} times (a reload drops the local queue's messages)`],
    [delivered === accepted.size * sinks.length && ledgerAttempts.n === requestsTotal,
      `the ledger agrees: ${delivered} of ${accepted.size * sinks.length} (delivery, destination) rows delivered, ` +
      `${ledgerAttempts.n} attempt rows for ${requestsTotal} requests received`],
  ];
  if (rounds.length) {
    const alone = median(diffs.false);
    verdicts.push([alone <= 10, `the ledger adds at most 10 ms to the accept p50 in queue mode: ${signed(alone)} on the accept path ` +
      `(median of ${diffs.false.length} alternated rounds: ${diffs.false.map(signed).join(", ")}); with the consumer forwarding on ` +
      `the same two cores: ${diffs.true.map(signed).join(", ")} (not a target: see the note above the table)`]);
  }
  const text = [
    "# Reliability",
    "",
    `Written by \`${command}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC;`,
    `machine: ${nproc} cores (\`nproc\`), ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, wrangler ${wranglerVersion};`,
    `worker/build/ of ${buildTime} (working tree at commit ${commit}).`,
    "",
    `The built edge verifier under \`wrangler dev --local\` (workerd, local Queues, KV and D1), queue mode,`,
    `MAX_ATTEMPTS=${VARS.MAX_ATTEMPTS}, BACKOFF_BASE_MS=${VARS.BACKOFF_BASE_MS}, BACKOFF_MAX_MS=${VARS.BACKOFF_MAX_MS}, FORWARD_TIMEOUT_MS=${FORWARD_TIMEOUT_MS}.`,
    `${N} distinct signed deliveries (all ${EVENT_TYPES.length} catalog events, unique \`data.id\` and timestamp), posted`,
    `${CONCURRENCY} at a time, each routed to two local destinations: a Zapier-like one (200 + JSON) and a Make-like`,
    `one (200 + "Accepted"), each failing ${Math.round(FAILURE_RATE * 100)} % of requests at random (half 500, half 429 with`,
    "Retry-After: 1). A copy counts as delivered when the destination answered it 2xx. A duplicate is",
    "\"answered too late\" when the worker logged a timeout or network error for a copy the destination",
    "acted on (the documented case); any other duplicate is a bug. Accept latency: POST to answer, at the client.",
    "",
    table,
    "",
    totals,
    "",
    ...(latencyRows.length
      ? ["Accept latency before and after the delivery ledger, measured in this run: the same deliveries at the same",
        "concurrency against the earlier build and this one, each on its own state and destinations failing alike,",
        "alternated so a drift of the machine falls on both. \"Accept path alone\": nothing consumes the queue, so the",
        "numbers are what AtlasBrokers waits for (in queue mode the ledger is written by the consumer, not while the",
        "sender waits). \"Consumer running\": the consumer forwards and writes the ledger on the same two cores as the",
        "accept path; in production Cloudflare runs it in other invocations, so there it competes for nothing.", "",
        markdownTable(["Round", "Condition", "Build", "Accepted", "Accept p50", "Accept p99", "Difference"], latencyRows), ""]
      : []),
    ledgerLine,
    "",
    `Local queue: ${partialBatches.length} consumer batches asked for a redelivery of some message, ` +
      `${dropped.length} messages dropped after the queue's own retries, ${errors.length} error lines in wrangler's output.`,
    "",
    "## Targets",
    "",
    ...verdicts.map(([ok, what]) => `- ${ok ? "met" : "MISSED"}: ${what}`),
    "",
  ].join("\n");
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  // wrangler's whole output, for a closer look when a target is missed.
  if (!verdicts.every(([ok]) => ok)) {
    const wranglerLog = path.join(os.tmpdir(), `atlas-soak-${RUN}.wrangler.log`);
    fs.writeFileSync(wranglerLog, edge.output());
    log(`a target is missed; wrangler's output: ${wranglerLog}`);
  }
  console.log(text);
  await cleanup();
  process.exit(verdicts.every(([ok]) => ok) ? 0 : 1);
} catch (error) {
  console.error(error);
  if (edge) console.error(edge.output().split("\n").slice(-30).join("\n"));
  await cleanup();
  process.exit(1);
}
