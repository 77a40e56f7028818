// Shared by the edge verifier's end-to-end suites (worker/tests/*.test.mjs) and by bench/
// (soak.mjs, edge-load.mjs): the built edge verifier under `wrangler dev --local` with its own
// config, state folder and captured output, its local ledger (D1), and scripted local
// destinations standing in for Zapier and Make.
// Nothing here imports the npm package: callers pass `sign` so bench/ can use pkg/ directly.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { BIN, ROOT, WRANGLER_ENV, freePort, start, startWranglerDev, waitForHttp } from "../../tests/js/helpers.mjs";

export { BIN, ROOT, WRANGLER_ENV, freePort, start, waitForHttp };
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A wait that does not keep the process alive (a deadline raced against an exit).
const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());
export const WEBHOOK_PATH = "/webhooks/atlasbrokers";

/**
 * A destination on loopback that records every request. `respond(n, record)` scripts its
 * answer to the n-th request (1-based): `{status, json | text, headers, delayMs}`, or
 * `{reset: true}` to destroy the connection after reading the request (the answer is lost).
 * A record is `processed` when the destination would have acted on it: it answered 2xx (even
 * late) or dropped the connection after reading it all (the response was lost, not the work).
 */
export class Sink {
  constructor(name, respond = () => ({ status: 200, json: { status: "success" } }), { token = randomToken() } = {}) {
    this.name = name;
    this.respond = respond;
    this.token = token;
    this.requests = [];
  }
  async listen(port) {
    this.port = port ?? this.port ?? (await freePort());
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const record = {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
          answeredAt: 0,
          status: 0,
          reset: false,
          processed: false,
        };
        this.requests.push(record);
        let answer;
        try {
          answer = (await this.respond(this.requests.length, record)) ?? { status: 200, json: {} };
        } catch {
          answer = { status: 500, json: { error: "sink script failed" } };
        }
        if (answer.delayMs) await sleep(answer.delayMs);
        if (answer.reset) {
          record.reset = true;
          record.processed = true;
          record.answeredAt = Date.now();
          req.socket.destroy();
          return;
        }
        record.status = answer.status;
        record.answeredAt = Date.now();
        // A 2xx means the destination did the work, whether or not the worker still listens.
        record.processed = answer.status >= 200 && answer.status < 300;
        res.writeHead(answer.status, {
          "content-type": answer.text !== undefined ? "text/plain" : "application/json",
          ...(answer.headers ?? {}),
        });
        res.end(answer.text ?? JSON.stringify(answer.json ?? {}));
      });
    });
    // Keep-alive sockets would keep close() waiting.
    this.sockets = new Set();
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", resolve);
    });
    return this;
  }
  /** The hook URL: its path holds a token that must never show up in a log. */
  get path() {
    return `/hook/${this.name}-${this.token}`;
  }
  get url() {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }
  /** Requests the destination answered with a 2xx. */
  acked() {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }
  /** Requests whose X-Atlas-Event is `event`. */
  ofEvent(event) {
    return this.requests.filter((r) => r.headers["x-atlas-event"] === event);
  }
  /** Requests carrying this exact body. */
  of(body) {
    return this.requests.filter((r) => r.body.toString("utf8") === body);
  }
  /** How many copies of `body` the destination acted on. */
  copies(body) {
    return this.of(body).filter((r) => r.processed).length;
  }
  close() {
    if (!this.server) return Promise.resolve();
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export function randomToken() {
  return Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 6);
}

/** Polls `check` until it stops throwing or `ms` pass; rethrows the last failure. */
export async function eventually(check, ms = 30_000, every = 200) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(every);
    }
  }
}

/**
 * Runs the built worker under `wrangler dev --local` with its own config and state folder
 * (`dir`, created when not given; kept across `restart()`), capturing its output.
 * `sign(secret, body)` signs posts; `secret` and `admin` are the ones in `secrets`. `from`: the
 * built worker to run (default worker/build/; the soak's baseline passes an older build).
 * `beforeLaunch(edge)` runs once before the first launch (to seed the ledger or KV). `env`:
 * wrangler's environment. `args`: more `wrangler dev` arguments (`--test-scheduled`).
 */
export async function startEdge({ vars, secrets, queues = true, sign, name = "atlasbrokers-edge-test", dir, logLevel, readyMs = 90_000, maxRetries, consume, beforeLaunch, env = WRANGLER_ENV, args: extraArgs = [], from = path.join(ROOT, "worker/build") }) {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "atlas-edge-"));
  // A copy of the built worker: wrangler dev reloads when its code changes, and a reload drops
  // the local queue's messages, so a rebuild elsewhere must not reach a running edge.
  const build = path.join(dir, "build");
  if (!fs.existsSync(build)) fs.cpSync(from, build, { recursive: true });
  // Once per state folder: a restart keeps the ledger as it was.
  const migrate = !fs.existsSync(path.join(dir, "state"));
  writeEdgeConfig(dir, { name, vars, secrets, queues, maxRetries, consume, migrate, main: path.join(build, "worker/shim.mjs") });
  const edge = {
    dir,
    persistTo: path.join(dir, "state"),
    proc: null,
    base: "",
    // Output of earlier runs of this edge (before a restart).
    earlier: "",
    secret: secrets.ATLAS_WEBHOOK_SECRET,
    /** Rows of `sql` run against this edge's local ledger (D1). */
    ledger(sql) {
      return ledgerQuery(dir, sql);
    },
    adminToken: secrets.ADMIN_TOKEN,
    async launch() {
      const args = ["--persist-to", this.persistTo, "--show-interactive-dev-session=false"];
      if (logLevel) args.push("--log-level", logLevel);
      args.push(...extraArgs);
      const { proc, base } = await startWranglerDev(args, { cwd: dir, env, ready: "/healthz", ms: readyMs });
      [this.proc, this.base] = [proc, base];
      return this;
    },
    /** Everything wrangler printed, across restarts. */
    output() {
      return this.earlier + (this.proc ? this.proc.output() : "");
    },
    /** Times wrangler reloaded the worker (each drops what the local queue held). */
    reloads() {
      return this.output().split("Reloading local server").length - 1;
    },
    /** The worker's JSON attempt lines. */
    attempts() {
      return this.output()
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.startsWith('{"deliveryId"'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l)];
          } catch {
            return [];
          }
        });
    },
    async post(body, header, extra = {}) {
      const headers = { "content-type": "application/json", ...extra };
      if (header !== null) headers["x-webhook-secret"] = header ?? sign(this.secret, body);
      const started = performance.now();
      const res = await fetch(this.base + (vars.WEBHOOK_PATH ?? WEBHOOK_PATH), { method: "POST", headers, body });
      const json = await jsonOf(res);
      return { status: res.status, headers: res.headers, json, ms: performance.now() - started };
    },
    async admin(method, url, token = this.adminToken) {
      const res = await fetch(this.base + url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, json: await jsonOf(res) };
    },
    async health() {
      const res = await fetch(this.base + "/healthz");
      return { status: res.status, json: await res.json() };
    },
    /** Ends wrangler and workerd (the whole process group) and waits until they are gone. */
    async halt() {
      const proc = this.proc;
      if (!proc) return;
      this.proc = null;
      this.earlier += proc.output();
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        const exited = new Promise((r) => proc.child.once("exit", r));
        proc.stop();
        const killed = await Promise.race([exited.then(() => true), deadline(10_000).then(() => false)]);
        if (!killed) {
          try {
            process.kill(-proc.child.pid, "SIGKILL");
          } catch {
            // gone
          }
          await Promise.race([exited, deadline(5_000)]);
        }
      }
      // workerd may outlive wrangler for a moment: its group got the signal too.
      await sleep(300);
    },
    /** Stops it and starts it again on the same config and state folder. */
    async restart() {
      await this.halt();
      return this.launch();
    },
    async stop({ keep = false } = {}) {
      await this.halt();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // State to put in place before the worker first runs (one process per local database).
    if (beforeLaunch) await beforeLaunch(edge);
    return await edge.launch();
  } catch (e) {
    await edge.stop();
    throw e;
  }
}

/** A response's body as JSON, or `{ text }` when it is not JSON. */
async function jsonOf(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/**
 * `startEdge(options)` forwarding to these listening destinations: `{ edge, stop }`, where
 * `stop()` ends the edge and closes them (closed too when the start fails). With a test `t`,
 * stopped after it.
 */
export async function edgeFor(sinks, options, t) {
  const close = () => Promise.all(sinks.map((s) => s.close()));
  const edge = await startEdge(options).catch(async (e) => {
    await close();
    throw e;
  });
  const world = {
    edge,
    async stop() {
      await edge.stop();
      await close();
    },
  };
  t?.after(() => world.stop());
  return world;
}

/** Percentile (0-100) of a list of numbers, nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** A Markdown table from a header row and rows. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c).replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * Writes a wrangler.toml and .dev.vars into `dir` that run the built edge verifier with these
 * vars and secrets, a local KV, the delivery ledger (local D1, migrated into `dir/state`, the
 * folder `wrangler dev --persist-to` must use), and (with `queues`) the delivery queue and the
 * dead-letter queue Cloudflare moves a message to after `maxRetries` failed consumptions
 * (with `consume: false`, nothing consumes them),
 * batched as in the repository's wrangler.toml.
 */
export function writeEdgeConfig(dir, { name, vars, secrets, queues = true, consume = true, maxRetries = 10, migrate = true, main = path.join(ROOT, "worker/build/worker/shim.mjs") }) {
  const deliveries = `${name}-deliveries`;
  const deadLetters = `${name}-dead-letters`;
  const allVars = queues ? { DELIVERY_QUEUE: deliveries, ...vars } : vars;
  const toml = [
    `name = "${name}"`,
    `main = ${JSON.stringify(main)}`,
    `compatibility_date = "2026-04-01"`,
    `[vars]`,
    ...Object.entries(allVars).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
    `[[kv_namespaces]]`,
    `binding = "STATE"`,
    `id = "${name}-state"`,
    `[[d1_databases]]`,
    `binding = "LEDGER"`,
    `database_name = "${name}-ledger"`,
    `database_id = "00000000-0000-4000-8000-000000000000"`,
    `migrations_dir = ${JSON.stringify(path.join(ROOT, "migrations"))}`,
  ];
  if (queues) {
    toml.push(`[[queues.producers]]`, `binding = "DELIVERIES"`, `queue = "${deliveries}"`);
    // consume: false leaves the messages queued (the soak measures the accept path alone).
    if (consume) toml.push(`[[queues.consumers]]`, `queue = "${deliveries}"`, `max_batch_size = 10`, `max_batch_timeout = 1`,
      `max_retries = ${maxRetries}`, `dead_letter_queue = "${deadLetters}"`);
    if (consume) toml.push(`[[queues.consumers]]`, `queue = "${deadLetters}"`, `max_batch_size = 10`, `max_batch_timeout = 1`);
  }
  fs.writeFileSync(path.join(dir, "wrangler.toml"), toml.join("\n") + "\n");
  fs.writeFileSync(path.join(dir, ".dev.vars"), Object.entries(secrets).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  if (migrate) seedLedger(dir);
}

/**
 * A migrated ledger in `dir/state`: applied once (a `wrangler d1 migrations apply` takes
 * seconds), kept in target/ under a digest of migrations/ and wrangler's version, and copied
 * into every later state folder. Local D1 files are named after the database id, the same for
 * every config written here.
 */
function seedLedger(dir) {
  const migrations = path.join(ROOT, "migrations");
  const digest = createHash("sha256").update(fs.readFileSync(path.join(ROOT, "node_modules/wrangler/package.json")));
  for (const f of fs.readdirSync(migrations).sort()) digest.update(f).update(fs.readFileSync(path.join(migrations, f)));
  const template = path.join(ROOT, "target", `ledger-migrated-${digest.digest("hex").slice(0, 16)}`);
  const state = path.join(dir, "state");
  if (fs.existsSync(template)) return fs.cpSync(template, state, { recursive: true });
  migrateLedger(dir);
  fs.mkdirSync(path.dirname(template), { recursive: true });
  // Another process may be making the same template: build it aside, then rename (atomic).
  const aside = `${template}.${process.pid}`;
  fs.cpSync(state, aside, { recursive: true });
  try {
    fs.renameSync(aside, template);
  } catch {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

/** Applies migrations/ to the local ledger in `dir/state` (what an operator does with --remote). */
export function migrateLedger(dir, persistTo = path.join(dir, "state")) {
  return execFileSync(path.join(BIN, "wrangler"), ["d1", "migrations", "apply", "LEDGER", "--local", "--persist-to", persistTo], {
    cwd: dir,
    env: WRANGLER_ENV,
    encoding: "utf8",
    timeout: 60_000,
    input: "y\n",
  });
}

/** Runs SQL against the local ledger in `dir/state`; returns the rows of the last statement. */
export function ledgerQuery(dir, sql, persistTo = path.join(dir, "state")) {
  return ledgerQueries(dir, sql, persistTo).at(-1) ?? [];
}

/** Runs `;`-separated SQL statements in one call; returns each statement's rows. */
export function ledgerQueries(dir, sql, persistTo = path.join(dir, "state")) {
  const out = execFileSync(path.join(BIN, "wrangler"), ["d1", "execute", "LEDGER", "--local", "--persist-to", persistTo, "--json", "--command", sql], {
    cwd: dir,
    env: WRANGLER_ENV,
    encoding: "utf8",
    timeout: 60_000,
  });
  const parsed = JSON.parse(out.slice(out.indexOf("[")));
  return parsed.map((r) => r.results ?? []);
}
