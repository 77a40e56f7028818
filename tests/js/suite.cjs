// The package's API suite, written once and run through both module systems:
// package.test.cjs (require) and package.test.mjs (import) pass in what they loaded.
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");

const SECRET = "whsec_js_suite_5e1b";
const PII = ["amelie.tremblay@example.ca", "Tremblay", "Mitchell"];
const SAMPLE_MS = Date.parse("2026-03-02T14:23:11.000Z");

module.exports = function suite(pkg, system) {
  const { Webhook, WebhookVerificationError, WebhookHandlerError, sign, EVENT_TYPES, sampleBody } = pkg;
  const wh = new Webhook(SECRET);
  const won = sampleBody("deal.won");
  const hmac = (secret, body) => crypto.createHmac("sha256", secret).update(body).digest("hex");
  const sha256 = (body) => crypto.createHash("sha256").update(body).digest("hex");

  /** Asserts that `fn` throws a WebhookVerificationError with this code and status. */
  function rejects(fn, code, status) {
    let error;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof WebhookVerificationError, `${code}: got ${error}`);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(error.name, "WebhookVerificationError");
    assert.deepEqual([error.statusCode, error.expose], [status, true], "http-errors' names");
    for (const secret of [SECRET, ...PII]) assert.ok(!error.message.includes(secret), `${code} leaks`);
    return error;
  }

  test(`[${system}] the catalog has 15 events with sample bodies`, () => {
    assert.equal(EVENT_TYPES.length, 15);
    assert.deepEqual(EVENT_TYPES.map((t) => t.name).slice(0, 4), ["lead.created", "lead.converted", "deal.created", "deal.won"]);
    assert.ok(Object.isFrozen(EVENT_TYPES));
    assert.equal(sampleBody("nope"), undefined);
  });

  test(`[${system}] every sample verifies and keeps every field`, () => {
    for (const t of EVENT_TYPES) {
      const body = t.sampleBody;
      const event = wh.verify(body, sign(SECRET, body));
      assert.equal(event.event, t.name);
      assert.deepEqual(JSON.parse(JSON.stringify(event)), JSON.parse(body));
      assert.equal(event.idempotencyKey, sha256(body), "the delivery id: SHA-256 of the body");
      assert.equal(event.idempotencyKey, event.idempotencyKey, "read twice, the same");
      assert.ok(!Object.keys(event).includes("idempotencyKey"), "the key is not enumerable");
    }
    const event = wh.verify(won, sign(SECRET, won));
    if (event.event === "deal.won") {
      assert.equal(event.data.value, 2400);
      assert.equal(event.data.title, "Home Insurance Policy — Mitchell");
    } else assert.fail("deal.won did not narrow");
  });

  test(`[${system}] bodies as string, Uint8Array, Buffer, ArrayBuffer and DataView`, () => {
    const bytes = new TextEncoder().encode(won);
    const header = sign(SECRET, won);
    const inLargerBuffer = new Uint8Array(bytes.length + 8);
    inLargerBuffer.set(bytes, 4);
    for (const body of [
      won,
      bytes,
      Buffer.from(won),
      bytes.buffer.slice(0),
      new DataView(inLargerBuffer.buffer, 4, bytes.length),
      inLargerBuffer.subarray(4, 4 + bytes.length),
    ]) {
      assert.equal(wh.verify(body, header).event, "deal.won");
    }
    assert.equal(sign(SECRET, bytes), header);
    assert.throws(() => wh.verify(42, header), TypeError);
  });

  test(`[${system}] header as string, padded/uppercase, string[], Headers and a Node headers object`, () => {
    const header = sign(SECRET, won);
    const forms = [
      header,
      ` ${header.toUpperCase()}\t`,
      [header],
      ["0".repeat(64), header],
      new Headers({ "X-Webhook-Secret": header }),
      { "x-webhook-secret": header, "content-type": "application/json" },
    ];
    for (const form of forms) assert.equal(wh.verify(won, form).event, "deal.won");
  });

  test(`[${system}] sign() matches node:crypto and Webhook#sign`, () => {
    for (const t of EVENT_TYPES) {
      assert.equal(sign(SECRET, t.sampleBody), hmac(SECRET, t.sampleBody));
      assert.equal(wh.sign(t.sampleBody), hmac(SECRET, t.sampleBody));
    }
    assert.equal(sign("clé", "Zoë 🏠"), hmac("clé", "Zoë 🏠"));
    assert.equal(sign(new TextEncoder().encode("k"), "b"), hmac("k", "b"));
  });

  test(`[${system}] tampering and wrong secrets are rejected`, () => {
    const header = sign(SECRET, won);
    rejects(() => wh.verify(won.replace("2400", "2500"), header), "signature_mismatch", 401);
    rejects(() => wh.verify(won + " ", header), "signature_mismatch", 401);
    const flipped = (header[0] === "a" ? "b" : "a") + header.slice(1);
    rejects(() => wh.verify(won, flipped), "signature_mismatch", 401);
    rejects(() => wh.verify(won, sign("another secret", won)), "signature_mismatch", 401);
    // The re-serialization pitfall: same JSON, other bytes.
    const e = rejects(() => wh.verify(JSON.stringify(JSON.parse(won), null, 2), header), "signature_mismatch", 401);
    assert.match(e.message, /raw body bytes/);
  });

  test(`[${system}] rotation: current and previous secrets verify, others do not`, () => {
    const rotating = new Webhook("whsec_new", { previousSecrets: ["whsec_old", new TextEncoder().encode("whsec_older")] });
    assert.equal(rotating.verify(won, sign("whsec_new", won)).event, "deal.won");
    assert.equal(rotating.verify(won, sign("whsec_old", won)).event, "deal.won");
    assert.equal(rotating.verify(won, sign("whsec_older", won)).event, "deal.won");
    rejects(() => rotating.verify(won, sign("whsec_other", won)), "signature_mismatch", 401);
    assert.equal(rotating.sign(won), sign("whsec_new", won));
    const single = new Webhook("whsec_new", { previousSecrets: "whsec_old" });
    assert.equal(single.verify(won, sign("whsec_old", won)).event, "deal.won");
  });

  test(`[${system}] tolerance rejects old and future events, and is off by default`, () => {
    const header = sign(SECRET, won);
    // Off by default: the March 2026 sample still verifies.
    assert.equal(wh.verify(won, header).event, "deal.won");
    const windowed = new Webhook(SECRET, { toleranceSeconds: 300 });
    assert.equal(windowed.verify(won, header, { receivedAt: SAMPLE_MS + 300_000 }).event, "deal.won");
    assert.equal(windowed.verify(won, header, { receivedAt: new Date(SAMPLE_MS - 300_000) }).event, "deal.won");
    const old = rejects(() => windowed.verify(won, header, { receivedAt: SAMPLE_MS + 301_000 }), "timestamp_out_of_tolerance", 401);
    assert.match(old.message, /301 s old/);
    const future = rejects(() => windowed.verify(won, header, { receivedAt: SAMPLE_MS - 400_000 }), "timestamp_out_of_tolerance", 401);
    assert.match(future.message, /in the future/);
    // Without receivedAt the clock is used: the sample is months away from now.
    const byClock = Math.abs(Date.now() - SAMPLE_MS) <= 300_000;
    if (byClock) assert.equal(windowed.verify(won, header).event, "deal.won");
    else rejects(() => windowed.verify(won, header), "timestamp_out_of_tolerance", 401);
  });

  test(`[${system}] every error code reachable from JS, with its status`, () => {
    const header = sign(SECRET, won);
    rejects(() => wh.verify(won, undefined), "missing_signature", 401);
    rejects(() => wh.verify(won, []), "missing_signature", 401);
    rejects(() => wh.verify(won, "   "), "missing_signature", 401);
    const short = rejects(() => wh.verify(won, "abc"), "malformed_signature", 401);
    const notHex = rejects(() => wh.verify(won, "z".repeat(64)), "malformed_signature", 401);
    assert.notEqual(short.message, notHex.message);
    rejects(() => new Webhook(SECRET, { maxBodyBytes: 100 }).verify(won, header), "body_too_large", 413);
    const text = "{ not json";
    rejects(() => wh.verify(text, sign(SECRET, text)), "invalid_json", 400);
    const noData = won.replace(/,"data":.*\}$/, "}");
    const envelope = rejects(() => wh.verify(noData, sign(SECRET, noData)), "invalid_envelope", 400);
    assert.match(envelope.message, /`data`/);
    const badValue = won.replace("2400", '"2400"');
    assert.match(rejects(() => wh.verify(badValue, sign(SECRET, badValue)), "invalid_envelope", 400).message, /data\.value/);
    rejects(() => new Webhook(""), "invalid_secret", 500);
    rejects(() => new Webhook(undefined), "invalid_secret", 500);
    rejects(() => new Webhook(SECRET, { previousSecrets: [""] }), "invalid_secret", 500);
    const parsed = rejects(() => wh.verify(JSON.parse(won), header), "body_already_parsed", 500);
    assert.match(parsed.message, /express\.raw\(\{ type: "application\/json" \}\)/);
  });

  test(`[${system}] unknown events verify untyped and keep their data`, () => {
    const body = JSON.stringify({ event: "quote.requested", timestamp: "2026-03-02T14:23:11.000Z", workspaceId: "ws_1", data: { lines: [1] } });
    const event = wh.verify(body, sign(SECRET, body));
    assert.equal(event.event, "quote.requested");
    assert.deepEqual(event.data, { lines: [1] });
    assert.equal(event.idempotencyKey, sha256(body));
  });

  test(`[${system}] delivery ids never merge different deliveries`, () => {
    const body = (workspaceId, id, extra = {}) =>
      JSON.stringify({ event: "contact.updated", timestamp: "2026-03-02T14:23:11.000Z", workspaceId, data: { id, ...extra } });
    const key = (b) => wh.verify(b, sign(SECRET, b)).idempotencyKey;
    // The collision: the old "{event}:{workspace}:{id}:{timestamp}" key merged these.
    assert.notEqual(key(body("ws:1", "x")), key(body("ws", "1:x")));
    // Same id and second, different content: two deliveries.
    assert.notEqual(key(body("ws", "con_1", { phone: "1" })), key(body("ws", "con_1", { phone: "2" })));
    // The same bytes (a Replay), as a string or bytes, with any secret: the same id.
    const b = body("ws", "con_1");
    assert.equal(key(b), key(new TextEncoder().encode(b)));
    assert.equal(new Webhook("other").verify(b, sign("other", b)).idempotencyKey, key(b));
    assert.match(key(body("ws", "deal_\n1")), /^[0-9a-f]{64}$/, "always header-safe");
  });

  test(`[${system}] deliveryId() is the idempotencyKey of the same bytes; HEADER_NAME is the signed header`, () => {
    const { deliveryId, HEADER_NAME } = pkg;
    assert.equal(HEADER_NAME, "X-Webhook-Secret");
    const key = wh.verify(won, sign(SECRET, won)).idempotencyKey;
    assert.equal(deliveryId(won), key);
    assert.equal(deliveryId(new TextEncoder().encode(won)), key);
    assert.equal(deliveryId(new TextEncoder().encode(won).buffer), key);
    assert.equal(deliveryId(won), sha256(won));
    const big = "x".repeat(5000); // past the size where the Node entry hashes with node:crypto
    assert.equal(deliveryId(big), sha256(big));
    assert.throws(() => deliveryId({ event: "deal.won" }), (e) => e.code === "body_already_parsed");
  });

  test(`[${system}] duplicated signature headers: the first value that verifies wins`, () => {
    const good = sign(SECRET, won);
    const bad = sign("other", won);
    for (const header of [[bad, good], [good, good], `${bad}, ${good}`, `${good},${bad}`, `${good.toUpperCase()}, ${bad}`]) {
      assert.equal(wh.verify(won, header).event, "deal.won", String(header));
    }
    const headers = new Headers();
    headers.append("x-webhook-secret", bad);
    headers.append("x-webhook-secret", good);
    assert.equal(wh.verify(won, headers).event, "deal.won", "a Headers object joins them");
    assert.equal(wh.verify(won, { "X-Webhook-Secret": [bad, good] }).event, "deal.won");
    rejects(() => wh.verify(won, [bad, bad]), "signature_mismatch", 401);
    rejects(() => wh.verify(won, `${bad}, nope`), "signature_mismatch", 401);
    rejects(() => wh.verify(won, "nope, , "), "malformed_signature", 401);
  });

  test(`[${system}] options that cannot be meant are refused by name`, () => {
    for (const toleranceSeconds of [NaN, -5, Infinity, "10", true]) {
      const e = rejects(() => new Webhook(SECRET, { toleranceSeconds }), "invalid_option", 500);
      assert.match(e.message, /toleranceSeconds/);
    }
    for (const maxBodyBytes of [NaN, -1, 0, 1.5, Infinity, "1000"]) {
      const e = rejects(() => new Webhook(SECRET, { maxBodyBytes }), "invalid_option", 500);
      assert.match(e.message, /maxBodyBytes/);
    }
    // Absent (undefined or null) is the default; 0 tolerance is a valid, strict window.
    assert.equal(new Webhook(SECRET, { toleranceSeconds: null, maxBodyBytes: undefined }).maxBodyBytes, 1 << 20);
    assert.ok(new Webhook(SECRET, { toleranceSeconds: 0 }));
  });

  test(`[${system}] errors after the signature verified carry the authentic body`, () => {
    for (const body of ["{ not json", '{"event":"ping"}', won.replace("2400", '"2400"')]) {
      for (const raw of [body, new TextEncoder().encode(body)]) {
        const e = rejects(() => wh.verify(raw, sign(SECRET, body)), body.startsWith("{ not") ? "invalid_json" : "invalid_envelope", 400);
        assert.equal(e.authentic, true);
        assert.equal(e.body, raw, "the verified body, as passed");
        assert.equal(e.deliveryId, sha256(body));
        assert.ok(!Object.keys(e).includes("body"), "not enumerable: logging the error prints no payload");
        assert.ok(!require("node:util").inspect(e).includes("ping"));
      }
    }
    const forged = rejects(() => wh.verify("{ not json", sign("other", "{ not json")), "signature_mismatch", 401);
    assert.equal(forged.authentic, false);
    assert.equal(forged.body, undefined);
    // JSON.parse accepts deep nesting, so do we.
    const deep = won.replace(/\}$/, `,"extra":${"[".repeat(10000)}${"]".repeat(10000)}}`);
    assert.equal(wh.verify(deep, sign(SECRET, deep)).event, "deal.won");
  });

  test(`[${system}] handlers: names, category wildcards, lists, "*", onAny`, async () => {
    const seen = [];
    const hooks = new Webhook(SECRET)
      .on("deal.won", (e) => seen.push(`won:${e.data.value}`))
      .on("deal.*", (e) => seen.push(`deal:${e.event}`))
      .on(["lead.created", "claim.filed"], (e) => seen.push(`list:${e.event}`))
      .on("*", (e) => seen.push(`star:${e.event}`))
      .onAny((e) => seen.push(`any:${e.event}`));
    const { event, results } = await hooks.verifyAndReceive(won, sign(SECRET, won));
    assert.equal(event.event, "deal.won");
    assert.equal(results.length, 4);
    assert.deepEqual(seen.sort(), ["any:deal.won", "deal:deal.won", "star:deal.won", "won:2400"]);
    seen.length = 0;
    const lead = sampleBody("lead.created");
    await hooks.verifyAndReceive(lead, sign(SECRET, lead));
    assert.deepEqual(seen.sort(), ["any:lead.created", "list:lead.created", "star:lead.created"]);
    assert.throws(() => hooks.on("deal.wonn", () => {}), /unknown event pattern "deal\.wonn"/);
    assert.throws(() => hooks.on("nope.*", () => {}), TypeError);
  });

  test(`[${system}] a failing handler is reported without losing the others' results`, async () => {
    const reported = [];
    const hooks = new Webhook(SECRET)
      .on("deal.won", () => "first")
      .on("deal.won", async () => {
        throw new Error("CRM down");
      })
      .on("deal.*", async () => "third")
      .onError((e) => reported.push(e));
    await assert.rejects(hooks.verifyAndReceive(won, sign(SECRET, won)), (e) => {
      assert.ok(e instanceof WebhookHandlerError);
      assert.equal(e.code, "handler_failed");
      assert.equal(e.status, 500);
      assert.equal(e.errors.length, 1);
      assert.equal(e.errors[0].message, "CRM down");
      assert.deepEqual(e.results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
      assert.deepEqual([e.results[0].value, e.results[2].value], ["first", "third"]);
      assert.equal(e.event.event, "deal.won");
      return true;
    });
    assert.equal(reported.length, 1);
    // Verification failures reach onError too, and nothing runs.
    await assert.rejects(hooks.verifyAndReceive(won, sign("wrong", won)), WebhookVerificationError);
    assert.equal(reported.length, 2);
    assert.equal(reported[1].code, "signature_mismatch");
  });

  test(`[${system}] removeListener`, async () => {
    let calls = 0;
    const handler = () => calls++;
    const hooks = new Webhook(SECRET).on(["deal.won", "deal.*"], handler);
    await hooks.verifyAndReceive(won, sign(SECRET, won));
    hooks.removeListener(["deal.won", "deal.*"], handler);
    await hooks.verifyAndReceive(won, sign(SECRET, won));
    assert.equal(calls, 2);
  });
};
