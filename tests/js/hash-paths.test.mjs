// The Node entry computes the HMAC's inner hash (the one over the body) of bodies from 192 bytes
// on with node:crypto's SHA-256 (SHA instructions), and smaller ones wholly in wasm; the
// portable entry always in wasm. Both must give
// exactly the answers of node:crypto's createHmac, on either side of that size, for any secret
// length (padded, one block, hashed first), rotation, text and bytes, and tampering.
import test from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dir = require.resolve("atlasbrokers-webhooks/package.json").replace(/package\.json$/, "");
const node = await import(`${dir}node.mjs`);
const portable = await import(`${dir}index.mjs`);
const hmac = (secret, body) => crypto.createHmac("sha256", secret).update(body).digest("hex");

/**
 * A catalog sample whose notes pad it to about `size` bytes, with some non-ASCII text; below
 * the sample's own size, an event outside the catalog with the four envelope fields.
 */
function bodyOfSize(size, rand) {
  const sample = JSON.parse(node.sampleBody("lead.created"));
  const small = { event: "test.small", timestamp: "2026-03-02T14:23:11.000Z", workspaceId: "ws_1", data: {} };
  if (JSON.stringify(sample).length >= size) {
    // Exactly `size` bytes: the sizes around the threshold.
    const bytes = Buffer.byteLength(JSON.stringify({ ...small, data: { notes: "é" } }));
    return JSON.stringify({ ...small, data: { notes: "é" + "x".repeat(size - bytes) } });
  }
  const base = sample;
  const alphabet = Array.from("abc déf 🏠 \\\"xyz\u2028"); // code points, never half a pair
  let notes = "";
  // Each character adds its own escaped length: no re-serializing per character (that made a
  // 140 KB body take over a minute).
  let length = JSON.stringify({ ...base, data: { ...base.data, notes } }).length;
  while (length < size) {
    const char = alphabet[Math.floor(rand() * alphabet.length)];
    notes += char;
    length += JSON.stringify(char).length - 2;
  }
  const body = JSON.stringify({ ...base, data: { ...base.data, notes } });
  assert.equal(body.length, length);
  return body;
}

function outcome(webhook, body, header) {
  try {
    return webhook.verify(body, header).idempotencyKey;
  } catch (e) {
    return e.code;
  }
}

test("both entries agree with createHmac around the platform-hash threshold", () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sizes = [120, 190, 191, 192, 193, 230, 300, 384, 800, 1500, 5000, 70000];
  for (const [i, size] of sizes.entries()) {
    const secretLength = [1, 20, 63, 64, 65, 100, 35, 64, 7, 130, 64, 3][i];
    const secret = "s".repeat(secretLength - 1) + "é".slice(0, secretLength ? 1 : 0);
    const previous = `whsec_prev_${i}`;
    const body = bodyOfSize(size, rand);
    if (size < 200) assert.equal(Buffer.byteLength(body), size, "the sizes around the threshold are exact");
    const bytes = Buffer.from(body);
    const tampered = body.replace("2026-", "2027-");
    for (const pkg of [node, portable]) {
      const webhook = new pkg.Webhook(secret, { previousSecrets: [previous] });
      const key = outcome(webhook, body, hmac(secret, body));
      assert.equal(key, crypto.createHash("sha256").update(body).digest("hex"), `size ${size}`);
      assert.equal(outcome(webhook, bytes, hmac(secret, bytes)), key);
      assert.equal(outcome(webhook, body, hmac(previous, body)), key, "previous secret");
      assert.equal(outcome(webhook, body, hmac("other", body)), "signature_mismatch");
      assert.equal(outcome(webhook, tampered, hmac(secret, body)), "signature_mismatch");
      assert.equal(outcome(webhook, body, hmac(secret, body).replace(/^./, (c) => (c === "0" ? "1" : "0"))), "signature_mismatch");
    }
  }
});

test("the Node entry calls node:crypto once per key, only for bodies from 192 bytes on, and once for the key", () => {
  // In a child process: count calls to crypto.hash made by the CommonJS Node entry.
  const script = `
    const crypto = require("node:crypto");
    let calls = 0;
    // crypto.hash where Node has it (20.12+), else createHash (Node 18).
    const name = typeof crypto.hash === "function" ? "hash" : "createHash";
    const createHash = crypto.createHash; // the script's own check, not counted
    const hash = crypto[name];
    crypto[name] = (...args) => (calls++, hash(...args));
    const { Webhook, sign } = require(${JSON.stringify(`${dir}node.cjs`)});
    const w = new Webhook("whsec_count");
    const counts = [];
    const small = JSON.stringify({ event: "test.small", timestamp: "2026-03-02T14:23:11.000Z", workspaceId: "ws_1", data: {} });
    for (const size of [191, 192, 2048]) {
      const body = small + " ".repeat(size - small.length);
      const before = calls;
      const event = w.verify(body, sign("whsec_count", body));
      counts.push(calls - before);
      const key = event.idempotencyKey;
      if (key !== createHash("sha256").update(body).digest("hex") || event.idempotencyKey !== key) throw new Error("key");
      counts.push(calls - before);
    }
    console.log(JSON.stringify(counts));`;
  const counts = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
  // Below 192 bytes: wasm only. From 192: the inner hash of the one key. The idempotency key:
  // one more, on first read only.
  assert.deepEqual(counts, [0, 1, 1, 2, 1, 2]);
});

test("one Webhook verifies bodies that grow and shrink, text and bytes, in any order", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const pkg of [node, portable]) {
    const webhook = new pkg.Webhook("whsec_grow");
    for (const size of [230, 70000, 300, 5000, 230, 140000, 1000]) {
      const body = bodyOfSize(size, rand);
      const header = hmac("whsec_grow", body);
      const id = crypto.createHash("sha256").update(body).digest("hex");
      assert.equal(outcome(webhook, body, header), id, `text ${size}`);
      assert.equal(outcome(webhook, Buffer.from(body), header), id, `bytes ${size}`);
      assert.equal(outcome(webhook, body + " ", header), "signature_mismatch", `tampered ${size}`);
    }
  }
});

test("string bodies from 512 units, copied into wasm as Latin-1 or UTF-16, verify as the UTF-8 createHmac signs", () => {
  // The Node entry copies such strings in (one byte a character when none is above U+00FF, else
  // their units) and wasm makes the UTF-8; shorter ones, and the portable entry, use encodeInto.
  const envelope = (notes) => JSON.stringify({ event: "test.text", timestamp: "2026-03-02T14:23:11.000Z", workspaceId: "ws_1", data: { notes } });
  const kinds = {
    ascii: (n) => "a".repeat(n),
    latin1: (n) => "Montréal, Québec. ".repeat(n).slice(0, n),
    "above U+00FF early": (n) => "— " + "x".repeat(n),
    "above U+00FF last": (n) => "x".repeat(n) + "—",
    emoji: (n) => "🏠 déjà ".repeat(n).slice(0, n),
    // Lone surrogates (a sender cutting an emoji in half): verified as encodeInto writes them.
    "lone surrogates": (n) => "\ud83c" + "x".repeat(n) + "\udfe0\ud83c",
  };
  for (const [kind, notes] of Object.entries(kinds)) {
    for (const n of [400, 440, 441, 442, 600, 5000, 70000]) {
      const body = envelope(notes(n));
      const bytes = Buffer.from(body); // the UTF-8 encodeInto writes, lone surrogates as U+FFFD
      const header = hmac("whsec_text", bytes);
      const id = crypto.createHash("sha256").update(bytes).digest("hex");
      for (const pkg of [node, portable]) {
        const webhook = new pkg.Webhook("whsec_text");
        assert.equal(outcome(webhook, body, header), id, `${kind} ${body.length} units`);
        assert.equal(outcome(webhook, bytes, header), id, `${kind} as bytes`);
        assert.equal(outcome(webhook, body.replace("test.text", "test.teXt"), header), "signature_mismatch", `${kind} tampered`);
        assert.deepEqual(webhook.verify(body, header), JSON.parse(body));
      }
    }
  }
  // Which way each went: in a child process, count Buffer's writers (the instantiation's check
  // calls each once).
  const script = `
    const counts = { latin1Write: 0, ucs2Write: 0 };
    for (const name of Object.keys(counts)) {
      const write = Buffer.prototype[name];
      Buffer.prototype[name] = function (...args) { counts[name]++; return write.apply(this, args); };
    }
    const { Webhook, sign } = require(${JSON.stringify(`${dir}node.cjs`)});
    const w = new Webhook("whsec_count");
    const seen = [];
    for (const body of ["x".repeat(511), "x".repeat(512), "é".repeat(512), "x".repeat(511) + "—", "—".repeat(511)]) {
      const before = { ...counts };
      try { w.verify(body, sign("whsec_count", body)); } catch (e) { if (e.code !== "invalid_json") throw e; }
      seen.push([counts.latin1Write - before.latin1Write, counts.ucs2Write - before.ucs2Write]);
    }
    console.log(JSON.stringify(seen));`;
  const seen = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
  assert.deepEqual(seen, [[0, 0], [1, 0], [1, 0], [0, 1], [0, 0]], "511 units: encodeInto; 512: a copy, Latin-1 or UTF-16");

  // Larger than maxBodyBytes once encoded (2 UTF-8 bytes a character), though not in units.
  const body = envelope("é".repeat(600));
  const small = new node.Webhook("whsec_text", { maxBodyBytes: body.length + 10 });
  assert.equal(outcome(small, body, hmac("whsec_text", body)), "body_too_large");
});

test("byte bodies give the event JSON.parse gives, whichever way the Node entry decodes them", () => {
  // The Node entry reads all-ASCII bytes as latin1 and others from wasm's UTF-16 copy; the
  // portable entry uses TextDecoder. Every character class, at offsets around 8-byte runs.
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sample = JSON.parse(node.sampleBody("lead.created"));
  const texts = ["plain ascii", "é", "日本語", "🏠🏠", "\u2028\u2029", "\\\"quoted\\\"", "a\u00ff\u0100\uffff", "x".repeat(7) + "é" + "y".repeat(9)];
  const bodies = [
    ...texts.map((notes) => JSON.stringify({ ...sample, data: { ...sample.data, notes } })),
    ...[300, 3000, 70000].map((size) => bodyOfSize(size, rand)),
    JSON.stringify({ ...sample, data: { ...sample.data, "clé 🏠": "valeur" } }),
  ];
  for (const pkg of [node, portable]) {
    const webhook = new pkg.Webhook("whsec_text");
    for (const body of bodies) {
      const header = hmac("whsec_text", body);
      const bytes = Buffer.from(body);
      // A Uint8Array inside a larger buffer, an ArrayBuffer, and a DataView.
      const inside = new Uint8Array(bytes.length + 10);
      inside.set(bytes, 5);
      const views = [bytes, inside.subarray(5, 5 + bytes.length), new Uint8Array(bytes).buffer, new DataView(inside.buffer, 5, bytes.length)];
      for (const raw of views) {
        const event = webhook.verify(raw, header);
        assert.deepStrictEqual(event, JSON.parse(body));
        assert.equal(JSON.stringify(event), body);
        assert.equal(event.idempotencyKey, crypto.createHash("sha256").update(body).digest("hex"));
      }
    }
    // A byte order mark is not JSON: refused by the core, before any decoding.
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bodies[0])]);
    assert.equal(outcome(webhook, bom, hmac("whsec_text", bom)), "invalid_json");
  }
});

test("the idempotency key is lazy, kept, not enumerable, and read through an object inheriting it", () => {
  for (const pkg of [node, portable]) {
    const webhook = new pkg.Webhook("whsec_key");
    const body = node.sampleBody("deal.won");
    const event = webhook.verify(body, hmac("whsec_key", body));
    const id = crypto.createHash("sha256").update(body).digest("hex");
    assert.deepEqual(Object.keys(event), Object.keys(JSON.parse(body)));
    assert.equal(Object.getOwnPropertyDescriptor(event, "idempotencyKey").enumerable, false);
    assert.equal(event.idempotencyKey, id);
    assert.equal(event.idempotencyKey, id);
    assert.equal(Object.create(event).idempotencyKey, id);
    assert.equal({ ...event }.idempotencyKey, undefined);
    const other = webhook.verify(Buffer.from(body + " "), hmac("whsec_key", body + " "));
    assert.equal(other.idempotencyKey, crypto.createHash("sha256").update(body + " ").digest("hex"));
  }
});
