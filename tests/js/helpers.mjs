// Shared by the end-to-end tests: ports, child processes and waiting, all bounded in time.
import { spawn, execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "node_modules", ".bin");

// Ports are picked below the kernel's ephemeral range: every listen(0) (a sink, workerd's own
// sockets) and every outgoing connection takes its port from that range, so a port picked there
// could be taken between the check and the bind by another suite running side by side.
const EPHEMERAL_LOW = (() => {
  try {
    return Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const PICK_LOW = 10_000;

function bindable(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free loopback port, outside the ephemeral range when the kernel leaves room for that. */
export async function freePort() {
  if (EPHEMERAL_LOW - PICK_LOW < 1000) {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  }
  for (;;) {
    const port = PICK_LOW + Math.floor(Math.random() * (EPHEMERAL_LOW - PICK_LOW));
    if (await bindable(port)) return port;
  }
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

/**
 * `wrangler dev --local` on free loopback ports, once `ready` answers: `{ proc, base }`. A port
 * found free can still be taken before wrangler binds it (suites run side by side): wrangler then
 * exits with "Address already in use", and it is started again on other ports, up to three times.
 * An answer on the port is not proof that it is this wrangler's (it may be the server that took
 * the port), so the start counts only once wrangler itself says "Ready on" that address (unless
 * `--log-level` hides the line).
 */
export async function startWranglerDev(args, { cwd, env, ready = "/", ms = 60_000 }) {
  const level = args.includes("--log-level") ? args[args.indexOf("--log-level") + 1] : "log";
  const saysReady = !["error", "warn", "none"].includes(level);
  for (let attempt = 1; ; attempt++) {
    const [port, inspector] = [await freePort(), await freePort()];
    const proc = start(
      path.join(BIN, "wrangler"),
      ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), ...args],
      { cwd, env },
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      if (saysReady) await waitForOutput(proc, `Ready on ${base}`, ms, "Address already in use");
      await waitForHttp(base + ready, ms, proc);
      return { proc, base };
    } catch (e) {
      proc.stop();
      if (attempt >= 3 || !proc.output().includes("Address already in use")) throw e;
    }
  }
}

/** Waits until `proc` has printed `text`; fails at once if it exits first or prints `failOn`. */
export async function waitForOutput(proc, text, ms, failOn) {
  const deadline = Date.now() + ms;
  while (!proc.output().includes(text)) {
    if (proc.child.exitCode !== null || (failOn && proc.output().includes(failOn))) throw new Error(`process exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${ms} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
