// The bad-input catalogue of issue 9: every row of hostile-cases.mjs as a node --test case.
// (a) the packed npm package (verify, options, errors, delivery ids, handle(Request));
// (b) the built edge verifier under `wrangler dev --local` in queue mode, over raw sockets so
//     that duplicate header lines, Content-Length lies and chunked bodies really go on the wire,
//     with two loopback destinations (zapier: "*", make: "deal.*") that record what they get.
//     Two instances: the normal one, and one without dev's body-draining middleware for the
//     bodies the worker stops reading early or the client cuts short, run one at a time there
//     (either breaks the dev proxy's next request; see EDGE_UNREAD and settle()).
// Each case asserts the documented status and code; at the end, that nothing unauthenticated
// reached a destination (by body digest) and that wrangler's output holds no secret, admin
// token, hook URL or payload text.
// Diagnosis: wrangler's output is written to $TMPDIR/atlasbrokers-edge-hostile*.log after the
// run; HOSTILE_DEBUG=1 prints every raw response.
import test, { after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Webhook, WebhookVerificationError, sign } from "atlasbrokers-webhooks";
import { BIN, Sink, WRANGLER_ENV, eventually, sleep, startEdge } from "./edge-harness.mjs";
import * as C from "./hostile-cases.mjs";

const { SECRET, OTHER_SECRET, ADMIN, MARKER, RUN, PATH, sha256hex, bytesOf } = C;
const HOOKTAG = `hook${crypto.randomBytes(6).toString("hex")}`;
const MAX_BODY_BYTES = 64 * 1024;
const UA = /^atlasbrokers-edge\/\d+\.\d+\.\d+/;
const STATUS = {
  missing_signature: 401,
  malformed_signature: 401,
  signature_mismatch: 401,
  timestamp_out_of_tolerance: 401,
  invalid_json: 400,
  invalid_envelope: 400,
  body_too_large: 413,
  body_already_parsed: 500,
  invalid_option: 500,
};
const AUTHENTIC_CODES = new Set(["invalid_json", "invalid_envelope"]);

// ---------------------------------------------------------------------------------------------
// (a) npm package
// ---------------------------------------------------------------------------------------------

/** Asserts what every WebhookVerificationError must carry, given the body that was passed. */
function assertVerificationError(error, code, status, body) {
  assert.ok(error instanceof WebhookVerificationError, `expected ${code}, got ${error?.stack ?? error}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.status, status ?? STATUS[code]);
  for (const leak of [SECRET, MARKER, RUN]) assert.ok(!error.message.includes(leak), `the message of ${code} holds ${leak}`);
  if (AUTHENTIC_CODES.has(code)) {
    assert.equal(error.authentic, true, "raised after the signature verified: authentic");
    if (typeof body === "string") assert.equal(error.body, body, "error.body is the body as passed");
    else assert.ok(error.body != null && bytesOf(error.body).equals(bytesOf(body)), "error.body holds the bytes passed");
    assert.equal(error.deliveryId, sha256hex(bytesOf(body)));
  } else {
    assert.equal(error.authentic, false, `${code} is not authentic`);
    assert.equal(error.body, undefined, `${code} carries no body`);
    assert.equal(error.deliveryId, undefined, `${code} carries no deliveryId`);
  }
}

function catching(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("did not throw");
}

const freshBody = (row) => (row.body === undefined ? C.won() : typeof row.body === "function" ? row.body() : row.body);
const headerFor = (row, body) => {
  if (!("header" in row)) return sign(SECRET, body);
  return typeof row.header === "function" ? row.header(body) : row.header;
};

/** Runs one verify row of NPM_HEADERS / NPM_BODIES / NPM_OPTIONS / NPM_AUTHENTIC. */
function npmRow(row) {
  if (row.construct) return npmConstructRow(row);
  const webhook = new Webhook(SECRET, row.options);
  const body = freshBody(row);
  const header = headerFor(row, body);
  const verify = () => webhook.verify(body, header, row.verifyOptions);
  if (row.expect === TypeError) {
    assert.throws(verify, TypeError);
    return;
  }
  if (row.expect === "ok") {
    const event = verify();
    const raw = bytesOf(body);
    assert.match(event.idempotencyKey, /^[0-9a-f]{64}$/);
    assert.equal(event.idempotencyKey, sha256hex(raw), "idempotencyKey = SHA-256 hex of the body bytes");
    if (row.deep) assert.ok(event.event === "deal.won" && event.data.deep !== undefined);
    else assert.deepEqual(event, JSON.parse(typeof body === "string" ? body : raw.toString("utf8")));
    row.check?.(event, body);
    return;
  }
  const error = catching(verify);
  assertVerificationError(error, row.expect, row.status, body);
  if (row.message) assert.match(error.message, row.message);
  row.check?.(error, body);
}

function npmConstructRow(row) {
  let webhook;
  let error;
  try {
    webhook = new Webhook(SECRET, row.options);
  } catch (e) {
    error = e;
  }
  if (!error && row.orWorksAs) {
    // Accepted: then it must mean exactly what the number means.
    const body = C.won();
    const at = Date.parse(C.TS) + row.orWorksAs.toleranceSeconds * 1000;
    assert.equal(webhook.verify(body, sign(SECRET, body), { receivedAt: at }).event, "deal.won");
    const late = catching(() => webhook.verify(body, sign(SECRET, body), { receivedAt: at + 1000 }));
    assertVerificationError(late, "timestamp_out_of_tolerance", 401, body);
    return;
  }
  assert.ok(error, `new Webhook(secret, ${JSON.stringify(row.options)}) was accepted silently`);
  assertVerificationError(error, "invalid_option", 500);
  assert.match(error.message, new RegExp(row.construct), "the message names the option");
}

test("(a) npm package: header variants", async (t) => {
  for (const row of C.NPM_HEADERS) await t.test(row.name, () => npmRow(row));
});

test("(a) npm package: bodies", async (t) => {
  for (const row of C.NPM_BODIES) await t.test(row.name, () => npmRow(row));
});

test("(a) npm package: options", async (t) => {
  for (const row of C.NPM_OPTIONS) await t.test(row.name, () => npmRow(row));
});

test("(a) npm package: authentic-after-verify errors versus signature errors", async (t) => {
  for (const row of C.NPM_AUTHENTIC) await t.test(row.name, () => npmRow(row));
  await t.test("verifyAndReceive hands onError the same authentic error", async () => {
    const seen = [];
    const hooks = new Webhook(SECRET).onError((e) => seen.push(e));
    const body = C.won({ value: "2400" });
    await assert.rejects(hooks.verifyAndReceive(body, sign(SECRET, body)), WebhookVerificationError);
    assert.equal(seen.length, 1);
    assertVerificationError(seen[0], "invalid_envelope", 400, body);
  });
});

test("(a) npm package: delivery id collisions", async (t) => {
  const webhook = new Webhook(SECRET);
  const verify = (body, header = sign(SECRET, body), wh = webhook) => wh.verify(body, header);
  for (const row of C.NPM_KEYS) {
    await t.test(row.name, () => {
      for (const [relation, a, b] of row.run(verify, { Webhook })) {
        for (const key of [a, b]) assert.match(key, /^[0-9a-f]{64}$/, "64 lowercase hex");
        if (relation === "same") assert.equal(a, b);
        else assert.notEqual(a, b, "different deliveries must not share a key");
      }
    });
  }
});

test("(a) npm package: handle(Request) over Fetch", async (t) => {
  for (const row of C.HANDLE) {
    await t.test(row.name, async () => {
      let pulled = 0;
      const ctx = {
        pulled: () => pulled,
        stream: (total, chunk) =>
          new ReadableStream(
            {
              pull(controller) {
                if (pulled >= total) return controller.close();
                const n = Math.min(chunk, total - pulled);
                pulled += n;
                controller.enqueue(new Uint8Array(n).fill(0x20));
              },
            },
            { highWaterMark: 0 },
          ),
      };
      const response = await new Webhook(SECRET, row.options).handle(row.request(ctx));
      assert.equal(response.status, row.expect.status);
      if (row.expect.allow) assert.equal(response.headers.get("allow"), row.expect.allow);
      const json = await response.json();
      if (row.expect.code) assert.equal(json.error, row.expect.code);
      if (row.expect.status === 200) assert.equal(json.status, "ok");
      assert.ok(!JSON.stringify(json).includes(MARKER), "the response holds no payload text");
      row.check?.(json, ctx);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// (b) edge verifier
// ---------------------------------------------------------------------------------------------

// Loopback destinations that answer 200 and record every request; bodies are told apart by digest.
const sinks = { zapier: new Sink("zapier", undefined, { token: HOOKTAG }), make: new Sink("make", undefined, { token: HOOKTAG }) };
const withDigest = (sink, digest) => sink.requests.filter((r) => sha256hex(r.body) === digest);

/**
 * The built worker under wrangler dev, queue mode, both sinks routed, ADMIN_TOKEN set. With
 * `drain: false`, without wrangler dev's request-body-draining middleware (see EDGE_UNREAD).
 */
async function startHostileEdge({ name, drain }) {
  const edge = await startEdge({
    name,
    sign,
    vars: {
      ROUTES: JSON.stringify([
        { name: "zapier", urlSecret: "HOOK_ZAPIER", events: ["*"] },
        { name: "make", urlSecret: "HOOK_MAKE", events: ["deal.*"] },
      ]),
      ALLOW_HTTP_LOOPBACK: "true",
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      MAX_ATTEMPTS: "3",
      BACKOFF_BASE_MS: "0",
      FORWARD_TIMEOUT_MS: "5000",
    },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN, HOOK_ZAPIER: sinks.zapier.url, HOOK_MAKE: sinks.make.url },
    env: drain ? WRANGLER_ENV : { ...WRANGLER_ENV, WRANGLER_DISABLE_REQUEST_BODY_DRAINING: "true" },
  });
  return Object.assign(edge, { name, port: Number(new URL(edge.base).port) });
}

// Both started by the first edge case (not at import: `--test-name-pattern` on (a) starts nothing).
let edgesReady;
const startEdges = () =>
  (edgesReady ??= (async () => {
    if (!fs.existsSync(path.join(BIN, "wrangler"))) throw new Error("wrangler is not installed (npm ci)");
    await Promise.all(Object.values(sinks).map((s) => s.listen()));
    const started = await Promise.allSettled([
      startHostileEdge({ name: "atlasbrokers-edge-hostile", drain: true }),
      startHostileEdge({ name: "atlasbrokers-edge-hostile-nodrain", drain: false }),
    ]);
    const edges = started.filter((r) => r.status === "fulfilled").map((r) => r.value);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) {
      await Promise.all(edges.map((e) => e.stop()));
      throw failed.reason;
    }
    return edges;
  })());
after(async () => {
  const edges = await edgesReady?.catch(() => []);
  await Promise.all((edges ?? []).map((e) => e.stop()));
  await Promise.all(Object.values(sinks).map((s) => s.close()));
});

/** The request bytes for a row's spec. */
function wire(spec, port) {
  const method = spec.method ?? "POST";
  const body = spec.body === undefined ? null : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
  const payload = body ?? Buffer.alloc(0);
  const headers = [];
  const sig = spec.sig === undefined ? [sign(SECRET, payload)] : spec.sig === null ? [] : typeof spec.sig === "function" ? spec.sig(payload) : spec.sig;
  for (const value of [sig].flat()) headers.push(["X-Webhook-Secret", value]);
  headers.push(...(typeof spec.headers === "function" ? spec.headers(payload) : spec.headers ?? []));
  if (body !== null && !headers.some(([k]) => k.toLowerCase() === "content-type")) headers.push(["Content-Type", "application/json"]);
  let tail = payload;
  if (spec.chunks) {
    headers.push(["Transfer-Encoding", "chunked"]);
    const parts = [];
    for (let at = 0; at < payload.length; at += spec.chunks) {
      const piece = payload.subarray(at, at + spec.chunks);
      parts.push(Buffer.from(piece.length.toString(16) + "\r\n"), piece, Buffer.from("\r\n"));
    }
    if (!spec.unterminated) parts.push(Buffer.from("0\r\n\r\n"));
    tail = Buffer.concat(parts);
  } else if (spec.contentLength !== null && (body !== null || method === "POST")) {
    headers.push(["Content-Length", String(spec.contentLength ?? payload.length)]);
  }
  const head = [`${method} ${spec.path ?? PATH} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close", ...headers.map(([k, v]) => `${k}: ${v}`)];
  return { bytes: Buffer.concat([Buffer.from(head.join("\r\n") + "\r\n\r\n", "utf8"), tail]), payload };
}

/** Parses an HTTP/1.1 response from `buf`; `complete` once the whole body is there. */
function parseResponse(buf, isHead, ended) {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return { complete: false };
  const [statusLine, ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  let rest = buf.subarray(end + 4);
  let complete = ended;
  let truncated = false;
  if (isHead || status === 204 || status === 304) {
    rest = Buffer.alloc(0);
    complete = true;
  } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    let lastChunk = false;
    const parts = [];
    let at = 0;
    for (;;) {
      const eol = rest.indexOf("\r\n", at);
      if (eol < 0) break;
      const size = parseInt(rest.subarray(at, eol).toString("latin1"), 16);
      if (size === 0) {
        complete = true;
        lastChunk = true;
        break;
      }
      if (rest.length < eol + 2 + size) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    rest = Buffer.concat(parts);
    truncated = !lastChunk;
  } else if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    if (rest.length >= n) complete = true;
    else truncated = true;
    rest = rest.subarray(0, n);
  }
  const text = rest.toString("utf8");
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { complete, truncated, status, headers, text, json };
}

/** Sends raw bytes on a fresh connection; resolves with the parsed response (status undefined if none). */
function exchange(port, bytes, { halfClose = false, isHead = false, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks = [];
    let done = false;
    const finish = (extra = {}) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponse(Buffer.concat(chunks), isHead, true);
      if (process.env.HOSTILE_DEBUG) console.error("RAW", JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 400)), extra);
      resolve({ text: "", ...parsed, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    socket.on("connect", () => {
      socket.write(bytes, () => {});
      if (halfClose) socket.end();
    });
    socket.on("data", (d) => {
      chunks.push(d);
      if (parseResponse(Buffer.concat(chunks), isHead, false).complete) finish();
    });
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    socket.on("error", (e) => finish({ socketError: e.code }));
  });
}

// What must reach each sink: digest -> row name; and digests of bodies that must reach none.
const expected = { zapier: new Map(), make: new Map() };
const forbidden = new Map();
// Authentic bodies whose case failed because wrangler dev's proxy, not the worker, answered
// (that case fails on its own): they may reach a sink at most once, but need not.
const unsettled = { zapier: new Map(), make: new Map() };

// wrangler dev's ProxyWorker answers this itself when its connection to the worker fails.
const PROXY_503 = "Your worker restarted mid-request";
const isProxy503 = (res) => res.status === 503 && res.text.startsWith(PROXY_503);

/**
 * Waits until `edge` answers GET /healthz with 200 (each try bounded, 10 s in all). After a
 * request body the worker left unread, wrangler dev's proxy has a broken connection to the
 * worker; the next request sent on it fails, and a GET that fails there waits, parked, until
 * another request comes in. A GET that answers 200 means the next case gets a sound one.
 */
async function settle(edge, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${edge.port}/healthz`, { signal: AbortSignal.timeout(1500) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.name;
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev (${edge.name}) did not answer GET /healthz with 200 within ${ms} ms: ${last}`);
    await sleep(100);
  }
}

function assertEventHeader(value, event) {
  if (event === null) {
    assert.equal(value, undefined, "no X-Atlas-Event without a string event");
    return;
  }
  assert.ok(typeof value === "string" && /^[\x20-\x7e]+$/.test(value), `X-Atlas-Event ${JSON.stringify(value)} is printable ASCII`);
  assert.equal(decodeURIComponent(value), event, "X-Atlas-Event percent-decodes to the event");
  if (/^[\x21-\x7e]+$/.test(event) && !event.includes("%")) assert.equal(value, event, "printable events unchanged");
}

/** The one request `sink` got with these bytes, and every header the spec promises. */
function assertForwarded(sink, payload, forward) {
  const got = withDigest(sink, sha256hex(payload));
  assert.equal(got.length, 1, `${sink.name} got it ${got.length} times`);
  const r = got[0];
  assert.ok(r.body.equals(payload), "the exact bytes");
  assert.equal(r.headers["content-type"], "application/json");
  assert.equal(r.headers["x-atlas-delivery-id"], sha256hex(payload), "X-Atlas-Delivery-Id = SHA-256 hex of the body");
  assert.equal(r.headers["x-webhook-secret"], sign(SECRET, payload), "the one value that verified, lowercase");
  assert.match(r.headers["user-agent"] ?? "", UA);
  assert.equal(r.headers["x-atlas-attempt"], "1");
  assertEventHeader(r.headers["x-atlas-event"], forward.event);
  const problem = r.headers["x-atlas-envelope-problem"];
  if (!forward.problem) assert.equal(problem, undefined, "a valid envelope has no X-Atlas-Envelope-Problem");
  else if (forward.problem.includes("field=")) assert.equal(problem, forward.problem);
  else assert.ok(problem?.startsWith(forward.problem), `X-Atlas-Envelope-Problem ${problem}`);
  assert.equal(r.headers["x-injected"], undefined, "no header injected");
}

function assertAcceptedReply(res, payload, forward) {
  assert.equal(res.status, 202, `status ${res.status}: ${res.text}`);
  assert.equal(res.json?.status, "accepted");
  assert.equal(res.json.deliveryId, sha256hex(payload));
  assert.deepEqual(res.json.destinations, forward.to);
  if (forward.problem) {
    assert.equal(res.json.envelopeProblem?.code, forward.problem.split(";")[0]);
    const field = /field=(.*)$/.exec(forward.problem)?.[1];
    if (field) assert.equal(res.json.envelopeProblem.field, field);
  } else assert.equal(res.json.envelopeProblem, undefined);
}

async function edgeRow(edge, row, t) {
  const spec = row.req({ maxBodyBytes: MAX_BODY_BYTES });
  const { bytes, payload } = wire(spec, edge.port);
  const digest = sha256hex(payload);
  if (row.forward) for (const name of row.forward.to) expected[name].set(digest, row.name);
  else if (!forbidden.has(digest)) forbidden.set(digest, row.name);
  const started = Date.now();
  const res = await exchange(edge.port, bytes, { halfClose: spec.halfClose, isHead: spec.method === "HEAD", timeoutMs: spec.timeoutMs });
  const ms = Date.now() - started;
  assert.ok(!res.text.includes(MARKER), "the response holds no payload text");
  if (row.forward && isProxy503(res)) {
    // Not the worker's answer: the case fails, and the end-of-run check does not count the
    // body as missing (nor as extra, if the worker did take it).
    for (const name of row.forward.to) {
      expected[name].delete(digest);
      unsettled[name].set(digest, row.name);
    }
    assert.fail(`wrangler dev's proxy answered 503 "${PROXY_503}": the request never got a reply from the worker`);
  }
  if (row.never2xx) {
    assert.ok(!(res.status >= 200 && res.status < 300), `accepted: ${res.status} ${res.text}`);
    return;
  }
  if (row.forward) {
    assertAcceptedReply(res, payload, row.forward);
    await eventually(() => {
      for (const name of row.forward.to) assertForwarded(sinks[name], payload, row.forward);
    });
    return;
  }
  const want = row.expect;
  if (want.statusIn) assert.ok(want.statusIn.includes(res.status), `status ${res.status}`);
  else assert.equal(res.status, want.status, `status ${res.status}: ${res.text}`);
  if (want.allow) assert.equal(res.headers.allow, want.allow);
  // A server that answers without reading the request closes with unread bytes in its socket,
  // which resets the connection: the client may get the status line and lose the JSON after it
  // (under wrangler dev, the proxy may also lose the end of the worker's reply when it drops
  // the connection the unread body broke). The status is asserted all the same.
  const cutByReset = row.unread && res.json === undefined && (res.socketError === "ECONNRESET" || res.truncated);
  if (cutByReset) t.diagnostic(`${row.name}: the connection was cut after the status line (${res.socketError ?? "short body"})`);
  if (want.code && !cutByReset) {
    assert.equal(res.json?.error, want.code, res.text);
    assert.ok(res.json.message.length > 20, "a message that says what to do");
  }
  if (want.codeIn) assert.ok(want.codeIn.includes(res.json?.error), res.text);
  if (row.fastMs) assert.ok(ms < row.fastMs, `answered after ${ms} ms`);
}

/** Posts the pair's first body, waits until every destination has it, then the second. */
async function collisionRow(edge, row) {
  const [first, second] = row.pair().map((b) => Buffer.from(b));
  for (const name of row.forward.to) {
    expected[name].set(sha256hex(first), row.name);
    expected[name].set(sha256hex(second), row.name);
  }
  const post = (payload) => exchange(edge.port, wire({ body: payload }, edge.port).bytes);
  assertAcceptedReply(await post(first), first, row.forward);
  await eventually(() => {
    for (const name of row.forward.to) assertForwarded(sinks[name], first, row.forward);
  });
  await sleep(1500); // the acknowledgement is recorded after the destination answered
  const res = await post(second);
  if (row.secondIsDuplicate) {
    // Accepted; each destination's consumer finds it delivered in the ledger.
    assert.deepEqual([res.status, res.json?.status, res.json?.deliveryId], [202, "accepted", sha256hex(first)]);
    await sleep(2500); // a consumer round: still once
    for (const name of row.forward.to) assert.equal(withDigest(sinks[name], sha256hex(first)).length, 1);
    return;
  }
  assert.notEqual(sha256hex(first), sha256hex(second));
  assertAcceptedReply(res, second, row.forward);
  await eventually(() => {
    for (const name of row.forward.to) assertForwarded(sinks[name], second, row.forward);
  });
}

async function adminRow(edge, row) {
  const spec = { method: "POST", sig: null, body: "", headers: [["Authorization", `Bearer ${ADMIN}`]], ...row.req() };
  const res = await exchange(edge.port, wire(spec, edge.port).bytes);
  assert.equal(res.status, row.expect.status, `status ${res.status}: ${res.text}`);
  if (row.expect.code) assert.equal(res.json?.error, row.expect.code, res.text);
  if (row.expect.codeIn) assert.ok(row.expect.codeIn.includes(res.json?.error), res.text);
}

async function tokenRow(edge, row) {
  const spec = { method: "GET", path: "/admin/dead-letters", sig: null, headers: row.auth.map((v) => ["Authorization", v]) };
  const started = Date.now();
  const res = await exchange(edge.port, wire(spec, edge.port).bytes);
  const ms = Date.now() - started;
  assert.equal(res.status, row.expect.status, `status ${res.status}: ${res.text}`);
  if (row.expect.code) assert.equal(res.json?.error, row.expect.code);
  if (row.expect.status === 200) assert.ok(Array.isArray(res.json?.deadLetters));
  if (row.fastMs) assert.ok(ms < row.fastMs, `${ms} ms`);
  assert.ok(!res.text.includes(ADMIN));
}

test("(b) edge verifier under wrangler dev", async (t) => {
  const [edge, nodrain] = await startEdges();
  t.after(() => {
    // For diagnosis: what wrangler printed during the run (the last case asserts it is clean).
    for (const e of [edge, nodrain]) {
      const file = path.join(os.tmpdir(), `${e.name}.log`);
      fs.writeFileSync(file, e.output());
      t.diagnostic(`wrangler output: ${file}`);
    }
  });
  const group = (name, rows, run, concurrency = 4) =>
    t.test(name, { concurrency }, async (g) => {
      await Promise.all(rows.map((row) => g.test(row.name, () => run(edge, row))));
    });

  await group("methods", C.EDGE_METHODS, edgeRow);
  await group("paths", C.EDGE_PATHS, edgeRow);
  await group("duplicate and uppercase headers", C.EDGE_HEADERS, edgeRow);
  await group("Content-Length: truthful, conflicting, zero", C.EDGE_LENGTHS, edgeRow, 1);
  await group("chunked bodies read to the end", C.EDGE_CHUNKED, edgeRow);
  // Every body the worker stops reading early, or that the client cuts short: on the second
  // instance (no body-draining middleware, as deployed), one at a time, each after settle().
  await t.test("bodies cut short or refused unread (wrangler dev without its body-draining middleware, one at a time)", async (g) => {
    const rows = [...C.EDGE_LENGTH_LIES, ...C.EDGE_UNREAD.map((row) => ({ ...row, unread: true }))];
    for (const row of rows) {
      await g.test(row.name, async (tt) => {
        await settle(nodrain);
        await edgeRow(nodrain, row, tt);
      });
    }
  });
  await group("Content-Encoding: gzip", C.EDGE_GZIP, edgeRow);
  await group("control characters and non-ASCII in ids and event names", C.EDGE_IDS, edgeRow);
  await group("duplicate JSON keys", C.EDGE_JSON, edgeRow);
  await group("delivery id collisions", C.EDGE_COLLISIONS, collisionRow);
  await group("authentic bodies that are not the envelope", C.EDGE_ENVELOPE, edgeRow);
  await group("admin: dead-letter ids", C.EDGE_ADMIN_IDS, adminRow);
  await group("admin: tokens", C.EDGE_TOKENS, tokenRow);
  await group("unauthenticated garbage", C.EDGE_GARBAGE, edgeRow);

  await t.test("nothing unauthenticated reached a destination, and everything authentic exactly once", async () => {
    await sleep(3000); // consumer rounds for anything still queued
    const problems = [];
    for (const sink of Object.values(sinks)) {
      const counts = new Map();
      for (const digest of sink.requests.map((r) => sha256hex(r.body))) counts.set(digest, (counts.get(digest) ?? 0) + 1);
      for (const [digest, n] of counts) {
        if (expected[sink.name].has(digest)) {
          if (n !== 1) problems.push(`${sink.name} got "${expected[sink.name].get(digest)}" ${n} times`);
        } else if (unsettled[sink.name].has(digest)) {
          if (n !== 1) problems.push(`${sink.name} got "${unsettled[sink.name].get(digest)}" (wrangler's 503) ${n} times`);
        } else if (forbidden.has(digest)) problems.push(`${sink.name} got the unauthenticated/refused "${forbidden.get(digest)}"`);
        else problems.push(`${sink.name} got something no case sent (digest ${digest})`);
      }
      for (const [digest, name] of expected[sink.name]) if (!counts.has(digest)) problems.push(`${sink.name} never got "${name}"`);
    }
    assert.deepEqual(problems, []);
  });

  await t.test("/healthz counts the envelope problems, names no field value, secret or URL", async () => {
    const res = await fetch(`http://127.0.0.1:${edge.port}/healthz`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const problems = JSON.parse(text).envelopeProblems;
    // Counted from the ledger's deliveries (one per distinct body).
    assert.ok(problems?.count >= 1, `envelopeProblems ${JSON.stringify(problems)}`);
    assert.match(problems.last, /^(invalid_json|invalid_envelope)(; field=[\w.]+)?$/);
    for (const leak of [SECRET, ADMIN, HOOKTAG, MARKER, RUN, "127.0.0.1"]) assert.ok(!text.includes(leak), `/healthz holds ${leak}`);
  });

  await t.test("wrangler's output holds no secret, token, hook URL or payload text", async () => {
    await sleep(1000); // wrangler prints asynchronously
    const log = edge.output() + nodrain.output();
    for (const [what, leak] of [
      ["the webhook secret", SECRET],
      ["the unconfigured secret", OTHER_SECRET],
      ["the admin token", ADMIN],
      ["a hook URL path", HOOKTAG],
      ["the zapier sink address", `127.0.0.1:${sinks.zapier.port}`],
      ["the make sink address", `127.0.0.1:${sinks.make.port}`],
      ["the payload marker", MARKER],
      ["the run's payload string", RUN],
    ]) {
      assert.ok(!log.includes(leak), `the log holds ${what}`);
    }
    const attempts = log.split("\n").filter((l) => l.startsWith('{"deliveryId"')).map((l) => JSON.parse(l));
    assert.ok(attempts.length > 0, "attempt lines were logged");
    for (const a of attempts) assert.match(a.deliveryId, /^[0-9a-f]{64}$/, "log lines carry the body digest as deliveryId");
  });
});
