// The command-line tool as a user runs it: the packed tarball installed into a fresh project
// with npm, and node_modules/.bin/atlasbrokers-webhooks spawned for real against local
// node:http servers (a receiver, a failing one, an app behind `listen --forward`).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { spawn } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { ROOT, freePort, run, waitForHttp } from "./helpers.mjs";

const SECRET = "whsec_cli_test";
const tarball = fs.readdirSync(path.join(ROOT, "target")).find((f) => /^atlasbrokers-webhooks-.*\.tgz$/.test(f));
const project = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-cli-"));
const cli = path.join(project, "node_modules", ".bin", "atlasbrokers-webhooks");
const ANSI = /\x1b\[/;
const hmac = (bytes, secret = SECRET) => createHmac("sha256", secret).update(bytes).digest("hex");
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
let pkg; // the installed package, for sampleBody and EVENT_TYPES

/** Runs the installed bin; resolves with its exit code and output (never rejects). */
function cliRun(args, { input, env = {}, timeout = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, {
      cwd: project,
      env: { ...process.env, ATLAS_WEBHOOK_SECRET: SECRET, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

/** A local receiver recording each request's exact bytes and headers; answers `status`. */
async function receiver(status = 200) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ received: true, status }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { requests, url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => new Promise((r) => server.close(r)) };
}

function file(name, bytes) {
  const at = path.join(project, name);
  fs.writeFileSync(at, bytes);
  return at;
}

test.before(async () => {
  assert.ok(tarball, "run `make pack` first");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "cli-user", private: true }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--offline", path.join(ROOT, "target", tarball)], { cwd: project });
  pkg = await import(path.join(project, "node_modules", "atlasbrokers-webhooks", "node.mjs"));
});
test.after(() => fs.rmSync(project, { recursive: true, force: true }));

test("the bin is installed, executable, and answers --help for the tool and each command, and --version", async () => {
  assert.ok(fs.statSync(cli).mode & 0o111, "executable");
  const top = await cliRun(["--help"]);
  assert.equal(top.code, 0);
  for (const command of ["send", "sign", "verify", "listen", "events", "sample"]) {
    assert.match(top.stdout, new RegExp(`^  ${command}\\b`, "m"));
    const help = await cliRun([command, "--help"]);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`Usage: atlasbrokers-webhooks ${command}`), command);
  }
  const version = await cliRun(["--version"]);
  assert.deepEqual([version.code, version.stdout.trim()], [0, JSON.parse(fs.readFileSync(path.join(project, "node_modules", "atlasbrokers-webhooks", "package.json"), "utf8")).version]);
});

test("unknown commands and options, a missing secret: a clear message and exit 2", async () => {
  const unknown = await cliRun(["frobnicate"]);
  assert.deepEqual([unknown.code, unknown.stdout], [2, ""]);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const option = await cliRun(["sign", "--nope"]);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /--nope/);
  const secretless = await cliRun(["sign", "-"], { input: "{}", env: { ATLAS_WEBHOOK_SECRET: "" } });
  assert.equal(secretless.code, 2);
  assert.match(secretless.stderr, /no secret: pass --secret <secret> or set ATLAS_WEBHOOK_SECRET/);
  const noUrl = await cliRun(["send", "deal.won"]);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.stderr, /--url <url> is required/);
  const noEvent = await cliRun(["sample", "deal.frozen"]);
  assert.equal(noEvent.code, 2);
  assert.match(noEvent.stderr, /"deal.frozen" is not an event in the catalog/);
});

test("sign prints node:crypto's HMAC of the file's exact bytes, from a file and from stdin", async () => {
  // Bytes a re-serialization would change: spacing, an escaped dash, a trailing newline.
  const bytes = Buffer.from('{ "event":"deal.won" ,"note":"\\u2014 — x"}\n');
  const at = file("odd.json", bytes);
  const fromFile = await cliRun(["sign", at]);
  assert.deepEqual([fromFile.code, fromFile.stdout], [0, hmac(bytes) + "\n"]);
  const fromStdin = await cliRun(["sign", "-", "--secret", "other"], { input: bytes });
  assert.deepEqual([fromStdin.code, fromStdin.stdout], [0, hmac(bytes, "other") + "\n"]);
  assert.doesNotMatch(fromFile.stdout + fromFile.stderr + fromStdin.stdout, new RegExp(SECRET));
  const asJson = JSON.parse((await cliRun(["sign", at, "--json"])).stdout);
  assert.deepEqual(asJson, { signature: hmac(bytes), header: "X-Webhook-Secret", deliveryId: sha256(bytes), bytes: bytes.length });
});

test("verify: exit 0 with the event and delivery id when authentic; exit 1 with the code otherwise", async () => {
  const body = Buffer.from(pkg.sampleBody("deal.won"));
  const at = file("deal.json", body);
  const good = await cliRun(["verify", at, "--signature", hmac(body)]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /authentic deal\.won/);
  assert.ok(good.stdout.includes(sha256(body)), "delivery id");
  assert.match(good.stdout, /data\.value 2400/);

  const tampered = file("tampered.json", Buffer.from(body.toString().replace("2400", "2500")));
  const bad = await cliRun(["verify", tampered, "--signature", hmac(body)]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /signature_mismatch/);
  assert.match(bad.stdout, /raw body/);

  const badJson = JSON.parse((await cliRun(["verify", "-", "--signature", hmac(body), "--json"], { input: fs.readFileSync(tampered) })).stdout);
  assert.equal(badJson.ok, false);
  assert.equal(badJson.code, "signature_mismatch");
  assert.equal(badJson.status, 401);
  const goodJson = JSON.parse((await cliRun(["verify", at, "--signature", hmac(body), "--json"])).stdout);
  assert.deepEqual([goodJson.ok, goodJson.event, goodJson.deliveryId, goodJson.body.data.value], [true, "deal.won", sha256(body), 2400]);

  const malformed = await cliRun(["verify", at, "--signature", "zz"]);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stdout, /malformed_signature/);
  const missing = await cliRun(["verify", at]);
  assert.equal(missing.code, 2);
});

test("events lists the catalog; sample prints the package's sampleBody byte for byte", async () => {
  const listed = await cliRun(["events"]);
  assert.equal(listed.code, 0);
  const lines = listed.stdout.trim().split("\n");
  assert.equal(lines.length, pkg.EVENT_TYPES.length);
  for (const [i, t] of pkg.EVENT_TYPES.entries()) {
    assert.match(lines[i], new RegExp(`^${t.name.replace(".", "\\.")}\\s+${t.category}\\s+`));
    assert.ok(lines[i].endsWith(t.description), t.name);
  }
  const asJson = JSON.parse((await cliRun(["events", "--json"])).stdout);
  assert.deepEqual(asJson.map((t) => t.name), pkg.EVENT_TYPES.map((t) => t.name));
  assert.ok(asJson.every((t) => t.category && t.description && Array.isArray(t.fields)));

  for (const t of pkg.EVENT_TYPES) {
    const sample = await cliRun(["sample", t.name]);
    assert.deepEqual([sample.code, sample.stdout], [0, pkg.sampleBody(t.name)], t.name);
  }
  const changed = JSON.parse((await cliRun(["sample", "deal.won", "--set", "data.value=3100", "--set", "workspaceId=ws_1"])).stdout);
  assert.deepEqual([changed.data.value, changed.workspaceId, changed.data.currency], [3100, "ws_1", "CAD"]);
});

test("send: a signed sample reaches a real server, with the header over the exact bytes and --set applied", async () => {
  const server = await receiver(200);
  try {
    const sent = await cliRun(["send", "deal.won", "--url", server.url, "--set", "data.value=3100", "--set", "workspaceId=ws_1", "--set", "data.stage=closed won"]);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.equal(server.requests.length, 1);
    const [req] = server.requests;
    assert.equal(req.method, "POST");
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers["x-webhook-secret"], hmac(req.body));
    const event = JSON.parse(req.body);
    assert.deepEqual([event.event, event.data.value, event.workspaceId, event.data.stage], ["deal.won", 3100, "ws_1", "closed won"]);
    // Every field of the sample is present.
    const sample = JSON.parse(pkg.sampleBody("deal.won"));
    assert.deepEqual(Object.keys(event.data).sort(), [...Object.keys(sample.data), "stage"].sort());
    // The package's own Webhook accepts it.
    assert.equal(new pkg.Webhook(SECRET).verify(req.body, req.headers).event, "deal.won");
    assert.match(sent.stdout, /^200 in [\d.]+ ms deal\.won delivery [0-9a-f]{64}$/m);
    assert.ok(sent.stdout.includes(sha256(req.body)));
    assert.match(sent.stdout, /answer \{"received":true/);
    assert.doesNotMatch(sent.stdout + sent.stderr, ANSI);
  } finally {
    await server.close();
  }
});

test("send: a file and stdin go byte for byte; --json parses", async () => {
  const server = await receiver(202);
  try {
    const bytes = Buffer.from('{"event":"deal.won","timestamp":"2026-03-02T14:23:11.000Z",  "workspaceId":"ws_x","data":{"id":"d","value":1.50}}');
    const at = file("exact.json", bytes);
    const fromFile = await cliRun(["send", at, "--url", server.url, "--json"]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const fromStdin = await cliRun(["send", "-", "--url", server.url], { input: bytes });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    for (const req of server.requests) {
      assert.ok(req.body.equals(bytes), "exact bytes");
      assert.equal(req.headers["x-webhook-secret"], hmac(bytes));
    }
    const result = JSON.parse(fromFile.stdout);
    assert.deepEqual([result.status, result.ok, result.event, result.deliveryId], [202, true, "deal.won", sha256(bytes)]);
    assert.equal(typeof result.ms, "number");
    const refused = await cliRun(["send", at, "--url", server.url, "--set", "data.value=1"]);
    assert.equal(refused.code, 2);
  } finally {
    await server.close();
  }
});

test("send exits non-zero on a 500 answer and on a network error", async () => {
  const server = await receiver(500);
  try {
    const failed = await cliRun(["send", "lead.created", "--url", server.url]);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^500 in/m);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
  const port = await freePort();
  const unreachable = await cliRun(["send", "lead.created", "--url", `http://127.0.0.1:${port}/`, "--json"]);
  assert.equal(unreachable.code, 1);
  const line = JSON.parse(unreachable.stdout);
  assert.deepEqual([line.ok, line.status], [false, null]);
  assert.match(line.error, /ECONNREFUSED/);
});

test("send --count 5 --concurrency 2 delivers 5 distinct deliveries and a summary", async () => {
  const server = await receiver(200);
  try {
    const sent = await cliRun(["send", "deal.won", "--url", server.url, "--count", "5", "--concurrency", "2", "--json"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(server.requests.length, 5);
    const ids = new Set(server.requests.map((r) => sha256(r.body)));
    assert.equal(ids.size, 5);
    for (const req of server.requests) assert.equal(req.headers["x-webhook-secret"], hmac(req.body));
    // Without --set, the sample's own bytes with only the envelope's timestamp changed.
    const unstamped = (text) => text.replace(/"timestamp":"[^"]*"/, '"timestamp":"T"');
    for (const req of server.requests) assert.equal(unstamped(req.body.toString()), unstamped(pkg.sampleBody("deal.won")));
    const lines = sent.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 6);
    assert.deepEqual(new Set(lines.slice(0, 5).map((l) => l.deliveryId)), ids);
    const { summary } = lines.at(-1);
    assert.deepEqual([summary.count, summary.ok, summary.failed, summary.concurrency], [5, 5, 0, 2]);
    assert.ok(summary.p50Ms <= summary.p95Ms);

    const human = await cliRun(["send", "deal.won", "--url", server.url, "--count", "3"]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /3 deliveries: 3 ok, 0 failed; p50 [\d.]+ ms, p95 [\d.]+ ms/);
  } finally {
    await server.close();
  }
});

/** Starts `listen` as a process; resolves once it answers. */
async function listen(args) {
  const port = await freePort();
  const child = spawn(cli, ["listen", "--port", String(port), ...args], {
    cwd: project,
    env: { ...process.env, ATLAS_WEBHOOK_SECRET: SECRET, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const proc = { child, output: () => output };
  const url = `http://127.0.0.1:${port}/webhooks`;
  await waitForHttp(url, 10_000, proc);
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { url, output: () => output, exited, stop: (signal = "SIGTERM") => (child.kill(signal), exited) };
}

test("listen: a signed POST gets 200 and is printed, a tampered one 401 with the error; stops on SIGINT", async () => {
  const listener = await listen([]);
  try {
    const body = pkg.sampleBody("policy.created");
    const ok = await fetch(listener.url, { method: "POST", body, headers: { "x-webhook-secret": hmac(body) } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: "ok", event: "policy.created", idempotencyKey: sha256(body) });
    const tampered = body.replace("2400", "24000");
    const bad = await fetch(listener.url, { method: "POST", body: tampered, headers: { "x-webhook-secret": hmac(body) } });
    assert.equal(bad.status, 401);
    const error = await bad.json();
    assert.equal(error.error, "signature_mismatch");
    assert.match(error.message, /raw body/);
    const get = await fetch(listener.url);
    assert.equal(get.status, 405);
  } finally {
    const { code } = await listener.stop("SIGINT");
    assert.equal(code, 0);
  }
  const printed = listener.output();
  assert.match(printed, /✔ policy\.created delivery [0-9a-f]{64}/);
  assert.match(printed, /data\.premium 2400/);
  assert.match(printed, /data\.carrier "Maple Shield Mutual"/);
  assert.match(printed, /✖ signature_mismatch \(answered 401\)/);
  assert.doesNotMatch(printed, ANSI);
  assert.ok(!printed.includes(SECRET));
});

test("listen --forward re-POSTs the exact bytes and header to the app and returns its answer; --json lines parse", async () => {
  const app = await receiver(201);
  const listener = await listen(["--forward", app.url, "--json"]);
  try {
    const body = pkg.sampleBody("claim.filed");
    const answer = await fetch(listener.url, { method: "POST", body, headers: { "x-webhook-secret": hmac(body), "content-type": "application/json" } });
    assert.equal(answer.status, 201);
    assert.deepEqual(await answer.json(), { received: true, status: 201 });
    assert.equal(app.requests.length, 1);
    assert.ok(app.requests[0].body.equals(Buffer.from(body)), "exact bytes");
    assert.equal(app.requests[0].headers["x-webhook-secret"], hmac(body));
    assert.equal(app.requests[0].headers["content-type"], "application/json");
  } finally {
    const { code } = await listener.stop("SIGTERM");
    assert.equal(code, 0);
    await app.close();
  }
  const lines = listener.output().trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines[0].listening);
  const delivery = lines[1];
  assert.deepEqual([delivery.ok, delivery.event, delivery.deliveryId, delivery.forward.status], [true, "claim.filed", sha256(pkg.sampleBody("claim.filed")), 201]);
});

test("listen --max-body-bytes answers 413; --tolerance refuses old timestamps; bad values exit 2", async () => {
  const listener = await listen(["--max-body-bytes", "1000", "--tolerance", "300"]);
  try {
    const big = "x".repeat(200_000);
    const tooBig = await fetch(listener.url, { method: "POST", body: big, headers: { "x-webhook-secret": hmac(big) } });
    assert.deepEqual([tooBig.status, (await tooBig.json()).error], [413, "body_too_large"]);
    // The catalog samples carry 2026-03-02's timestamp: far outside 300 s of now.
    const old = pkg.sampleBody("deal.won");
    const stale = await fetch(listener.url, { method: "POST", body: old, headers: { "x-webhook-secret": hmac(old) } });
    assert.deepEqual([stale.status, (await stale.json()).error], [401, "timestamp_out_of_tolerance"]);
    const fresh = old.replace(/"timestamp":"[^"]+"/, `"timestamp":"${new Date().toISOString()}"`);
    const ok = await fetch(listener.url, { method: "POST", body: fresh, headers: { "x-webhook-secret": hmac(fresh) } });
    assert.equal(ok.status, 200);
  } finally {
    await listener.stop();
  }
  for (const args of [["--tolerance", "soon"], ["--tolerance", "-5"], ["--max-body-bytes", "0"]]) {
    const r = await cliRun(["listen", "--port", "0", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(args[0] === "--tolerance" ? "tolerance" : "max", "i"));
    assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
  }
});

test("no ANSI escapes off a terminal, with or without NO_COLOR", async () => {
  for (const env of [{ NO_COLOR: "1" }, { NO_COLOR: "" }]) {
    const body = pkg.sampleBody("deal.won");
    for (const args of [["events"], ["verify", "-", "--signature", hmac(body)], ["verify", "-", "--signature", hmac("x")]]) {
      const { stdout, stderr } = await cliRun(args, { input: body, env });
      assert.doesNotMatch(stdout + stderr, ANSI, args.join(" "));
    }
  }
});

test("colour on a terminal (under script(1)), none there when NO_COLOR is set or with --json", async () => {
  const onTty = (args, env) =>
    run("script", ["-qec", [cli, ...args].join(" "), "/dev/null"], { cwd: project, env: { ...process.env, ATLAS_WEBHOOK_SECRET: SECRET, ...env } });
  // NO_COLOR: undefined leaves the variable out of the child's environment.
  assert.match(await onTty(["events"], { NO_COLOR: undefined }), ANSI);
  assert.doesNotMatch(await onTty(["events"], { NO_COLOR: "1" }), ANSI);
  assert.doesNotMatch(await onTty(["events", "--json"], { NO_COLOR: undefined }), ANSI);
});
