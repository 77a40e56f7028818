// Shared by the end-to-end tests: ports, child processes and waiting, all bounded in time.
import { spawn, execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "node_modules", ".bin");

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000, maxBuffer: 16 << 20, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts a long-running process in its own process group; `stop()` ends the whole group. */
export function start(command, args, options = {}) {
  const child = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], ...options });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return {
    child,
    output: () => output,
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}

/** Polls `url` until it answers (any status) or `ms` pass. */
export async function waitForHttp(url, ms, proc) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) throw new Error(`process exited early:\n${proc.output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms${proc ? `:\n${proc.output()}` : ""}`);
}

/** Env for quiet, offline wrangler runs. */
export const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

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
  if (migrate) migrateLedger(dir);
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
