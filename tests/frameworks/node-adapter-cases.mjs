// Shared by the Node server framework suites (express, fastify, koa, nest): a receiver Webhook,
// signed and tampered deliveries, and the cases every adapter must answer alike.
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { Webhook, sign, sampleBody } from "atlasbrokers-webhooks";
import { freePort } from "../js/helpers.mjs";

export const SECRET = "whsec_frameworks_5c1e";
export const WON = sampleBody("deal.won");
export const WON_KEY = createHash("sha256").update(WON).digest("hex");
// The same delivery with one digit changed after signing.
export const TAMPERED = WON.replace('"value":2400', '"value":2500');
assert.notEqual(TAMPERED, WON, "the sample carries value 2400");

/** A Webhook whose deal.won handler records what it saw, typed fields and key. */
export function receiver(options) {
  const seen = [];
  const webhook = new Webhook(SECRET, options).on("deal.won", (event) => {
    seen.push({ value: event.data.value, closedAt: typeof event.data.closedAt, key: event.idempotencyKey });
  });
  return { webhook, seen };
}

/** POSTs `body` signed with SECRET (or `signature`), returns status, JSON body and headers. */
export async function post(url, body, { signature = sign(SECRET, body), type = "application/json" } = {}) {
  const headers = { "x-webhook-secret": signature };
  if (type) headers["content-type"] = type;
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** Listens on a free loopback port; `close()` drops idle keep-alive connections first. */
export async function listen(server) {
  const port = await freePort();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (server.close(resolve), server.closeIdleConnections?.())),
  };
}

/**
 * The cases every adapter answers alike at `url`: the signed sample (200, the handler saw the
 * typed fields, key = SHA-256 of the bytes), a tampered body (401 signature_mismatch, no handler
 * run), a GET (405, Allow: POST).
 */
export async function assertDeliveryCases(url, seen) {
  const before = seen.length;
  const ok = await post(url, WON);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.match(ok.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(ok.body, { status: "ok", event: "deal.won", idempotencyKey: WON_KEY });
  assert.deepEqual(seen.slice(before), [{ value: 2400, closedAt: "string", key: WON_KEY }]);

  const tampered = await post(url, TAMPERED, { signature: sign(SECRET, WON) });
  assert.deepEqual([tampered.status, tampered.body.error], [401, "signature_mismatch"]);

  const get = await fetch(url);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  assert.equal((await get.json()).error, "method_not_allowed");
  assert.equal(seen.length, before + 1, "nothing unauthenticated reached a handler");
}

/** A body a JSON parser ran over first: 500 body_already_parsed naming the fix, no handler run. */
export async function assertAlreadyParsed(url, seen, fix) {
  const before = seen.length;
  const res = await post(url, WON);
  assert.equal(res.status, 500, JSON.stringify(res.body));
  assert.equal(res.body.error, "body_already_parsed");
  assert.match(res.body.message, fix);
  assert.equal(seen.length, before);
}
