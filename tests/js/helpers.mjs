// Shared by the end-to-end tests: ports, child processes and waiting, all bounded in time.
import { spawn, execFile } from "node:child_process";
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

/**
 * `wrangler dev --local` on free loopback ports, once `ready` answers: `{ proc, base }`. A port
 * found free can be taken before wrangler binds it (suites run side by side, and freePort only
 * asks the OS): wrangler then exits at once with "Address already in use", and it is started
 * again on other ports, up to three times.
 */
export async function startWranglerDev(args, { cwd, env, ready = "/", ms = 60_000 }) {
  for (let attempt = 1; ; attempt++) {
    const [port, inspector] = [await freePort(), await freePort()];
    const proc = start(
      path.join(BIN, "wrangler"),
      ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), ...args],
      { cwd, env },
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(base + ready, ms, proc);
      return { proc, base };
    } catch (e) {
      proc.stop();
      if (attempt >= 3 || !proc.output().includes("Address already in use")) throw e;
    }
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
