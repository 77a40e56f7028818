// The bad-input catalogue (issue 9) as data: one row per hostile case, with what must happen.
// hostile.test.mjs runs the rows: NPM_* against the packed npm package, HANDLE against
// `webhook.handle(Request)`, EDGE_* against the built edge verifier under `wrangler dev --local`.
//
// Every payload carries MARKER and RUN (and most ids carry RUN) so the runner can assert that no
// log line and no error message ever holds payload text.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { sign } from "atlasbrokers-webhooks";

const hex = (n) => crypto.randomBytes(n).toString("hex");
export const SECRET = `whsec_hostile_${hex(6)}`;
export const OTHER_SECRET = `whsec_not_configured_${hex(4)}`;
export const ADMIN = `admin-hostile-${hex(8)}`;
export const MARKER = "hostile.marker@example.ca";
/** A string unique to this run, in every payload. */
export const RUN = `hostileRun${hex(5)}`;
export const TS = "2026-03-02T14:23:11.000Z";
export const PATH = "/webhooks/atlasbrokers";

export const sha256hex = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");
/** The bytes a body stands for (a string as UTF-8: lone surrogates become U+FFFD, as TextEncoder does). */
export function bytesOf(body) {
  if (typeof body === "string") return Buffer.from(new TextEncoder().encode(body));
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

let seq = 0;
/** A unique id holding RUN. */
export const uid = (prefix = "id") => `${prefix}_${RUN}_${++seq}`;

const ok = (b) => sign(SECRET, b);
const wrong = (b) => sign(OTHER_SECRET, b);
const headersOf = (...values) => {
  const h = new Headers();
  for (const v of values) h.append("X-Webhook-Secret", v);
  return h;
};

/** A deal.won envelope (valid unless `data`/`top` break it), with the marker in data. */
export function won(data = {}, top = {}) {
  return JSON.stringify({
    event: "deal.won",
    timestamp: TS,
    workspaceId: "ws_hostile",
    ...top,
    data: { id: uid("deal"), title: "Hostile — title", value: 2400, currency: "CAD", closedAt: TS, email: MARKER, note: RUN, ...data },
  });
}

/** A contact.updated envelope with the marker in its personal data. */
export function contactUpdated(id, data = {}, top = {}) {
  return JSON.stringify({
    event: "contact.updated",
    timestamp: TS,
    workspaceId: "ws_hostile",
    ...top,
    data: { id, firstName: "Amélie", lastName: RUN, email: MARKER, updatedAt: TS, ...data },
  });
}

/** deal.won written by hand: `dataFields` is the raw inside of `data` (for duplicate keys). */
export function rawWon(dataFields, head = '"event":"deal.won"') {
  return `{${head},"timestamp":"${TS}","workspaceId":"ws_hostile","data":{"id":"${uid("deal")}",${dataFields},"currency":"CAD","closedAt":"${TS}","email":"${MARKER}","note":"${RUN}"}}`;
}

const DEPTH = 10_000;
export const deepObjects = () => won({ deep: "§" }).replace('"§"', '{"a":'.repeat(DEPTH) + "1" + "}".repeat(DEPTH));
export const deepArrays = () => won({ deep: "§" }).replace('"§"', "[".repeat(DEPTH) + "]".repeat(DEPTH));

/** A valid deal.won of exactly `size` UTF-8 bytes (padding in data.note). */
export function wonOfSize(size) {
  const base = won({ note: "" });
  return base.replace('"note":""', `"note":"${"p".repeat(size - Buffer.byteLength(base))}"`);
}

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// (a) The npm package: `new Webhook(SECRET, options).verify(body, header, verifyOptions)`.
//
// Row: { name, body?: string | () => body (default a fresh deal.won), header?: value | (body) => value
// (default a valid signature), options?, verifyOptions?, expect: "ok" | error code | TypeError,
// status?, message?: RegExp the message matches, check?(eventOrError, body) }.
// For every WebhookVerificationError the runner also asserts: `authentic` is true exactly for
// invalid_json / invalid_envelope, which then carry `body` (the body as passed) and `deliveryId`
// (SHA-256 hex of its bytes); other errors have authentic === false and neither; the message
// holds no secret and no payload text. For "ok" it asserts idempotencyKey = SHA-256 hex of the
// body bytes and that the event is JSON.parse of the body.
// ---------------------------------------------------------------------------------------------

const MISSING = "missing_signature";
const MALFORMED = "malformed_signature";
const MISMATCH = "signature_mismatch";

export const NPM_HEADERS = [
  { name: "header missing (undefined)", header: undefined, expect: MISSING },
  { name: "header null", header: null, expect: MISSING },
  { name: "header blank", header: "", expect: MISSING },
  { name: "header only whitespace", header: " \t  ", expect: MISSING },
  { name: "header of 63 hex characters", header: (b) => ok(b).slice(1), expect: MALFORMED },
  { name: "header of 65 hex characters", header: (b) => ok(b) + "0", expect: MALFORMED },
  { name: "header of 64 non-hex characters", header: "g".repeat(64), expect: MALFORMED },
  { name: "header with a sha256= prefix", header: (b) => `sha256=${ok(b)}`, expect: MALFORMED },
  { name: "uppercase hex verifies", header: (b) => ok(b).toUpperCase(), expect: "ok" },
  { name: "padded with spaces and a tab verifies", header: (b) => `  ${ok(b)}\t`, expect: "ok" },
  { name: '"a, b": only the second verifies', header: (b) => `${wrong(b)}, ${ok(b)}`, expect: "ok" },
  { name: '"a, b": the first verifies, the second is garbage', header: (b) => `${ok(b)}, nonsense`, expect: "ok" },
  { name: '"a,b" without a space, the second uppercase', header: (b) => `${wrong(b)},${ok(b).toUpperCase()}`, expect: "ok" },
  { name: '"a, b": neither verifies', header: (b) => `${wrong(b)}, ${sign("yet another", b)}`, expect: MISMATCH },
  { name: '"a, b": neither is 64 hex', header: "abc, xyz", expect: MALFORMED },
  { name: '"a, b": one short, one wrong 64 hex', header: (b) => `abc, ${wrong(b)}`, expect: MISMATCH },
  { name: '" , ,": every value blank', header: " , ,", expect: MISSING },
  { name: '" , abc": blanks ignored, the rest malformed', header: " , abc", expect: MALFORMED },
  { name: "string[] of two identical valid values", header: (b) => [ok(b), ok(b)], expect: "ok" },
  { name: "string[] of two identical wrong values", header: (b) => [wrong(b), wrong(b)], expect: MISMATCH },
  { name: "string[] with non-strings and one valid value", header: (b) => [42, null, ok(b)], expect: "ok" },
  { name: "Headers with appended duplicates: wrong then valid", header: (b) => headersOf(wrong(b), ok(b)), expect: "ok" },
  { name: "Headers with appended duplicates: valid twice", header: (b) => headersOf(ok(b), ok(b)), expect: "ok" },
  { name: "Headers with appended duplicates: two wrong", header: (b) => headersOf(wrong(b), sign("third", b)), expect: MISMATCH },
  { name: "Node headers object with a string[] value", header: (b) => ({ "X-Webhook-Secret": [wrong(b), ok(b)] }), expect: "ok" },
  { name: "unicode: 64 × é", header: "é".repeat(64), expect: MALFORMED },
  { name: "unicode: 64 fullwidth digits", header: "０".repeat(64), expect: MALFORMED },
  { name: "unicode: valid hex + zero-width space", header: (b) => ok(b) + "\u200b", expect: MALFORMED },
  { name: "NUL appended to a valid value", header: (b) => ok(b) + "\0", expect: MALFORMED },
  { name: "NUL inside 64 characters", header: (b) => ok(b).slice(0, 32) + "\0" + ok(b).slice(33), expect: MALFORMED },
  { name: "a lone NUL", header: "\0", expect: MALFORMED },
];

const bytes = (s) => new TextEncoder().encode(s);

export const NPM_BODIES = [
  { name: "empty body, signed", body: "", expect: "invalid_json" },
  { name: "empty body, wrong signature", body: "", header: wrong, expect: MISMATCH },
  { name: "not JSON, signed", body: () => `<event>${MARKER} ${RUN}</event>`, expect: "invalid_json" },
  { name: "UTF-8 BOM before the JSON, signed (JSON.parse refuses it)", body: () => "\ufeff" + won(), expect: "invalid_json" },
  { name: "truncated JSON, signed", body: () => won().slice(0, -1), expect: "invalid_json" },
  {
    name: "truncated JSON with the full body's signature",
    body: () => won().slice(0, -1),
    header: (b) => ok(b + "}"),
    expect: MISMATCH,
  },
  {
    name: "duplicate keys: a string value then a number: last wins, verifies",
    body: () => rawWon('"title":"t","value":"2400","value":2400'),
    expect: "ok",
    check: (e) => {
      if (e.data.value !== 2400) throw new Error(`data.value ${e.data.value}`);
    },
  },
  {
    name: "duplicate keys: a number then a string value: last wins, invalid_envelope data.value",
    body: () => rawWon('"title":"t","value":2400,"value":"2400"'),
    expect: "invalid_envelope",
    message: /data\.value/,
  },
  {
    name: "duplicate event keys: the last (deal.won) wins",
    body: () => rawWon('"title":"t","value":1', '"event":"lead.created","event":"deal.won"'),
    expect: "ok",
    check: (e) => {
      if (e.event !== "deal.won") throw new Error(`event ${e.event}`);
    },
  },
  {
    name: "control characters (JSON escapes) in data.id and workspaceId",
    body: () => won({ id: `deal_\n\r\t\u0000\u007f_${RUN}` }, { workspaceId: "ws\r\nX-Injected: 1" }),
    expect: "ok",
    check: (e) => {
      if (!e.data.id.startsWith("deal_\n\r\t\u0000\u007f_")) throw new Error("id changed");
    },
  },
  { name: "a raw (unescaped) newline inside a string, signed", body: () => won().replace("Hostile — title", "Hostile\ntitle"), expect: "invalid_json" },
  {
    name: "non-ASCII in data.id and workspaceId",
    body: () => won({ id: `deal_é🏠\u2028_${RUN}` }, { workspaceId: "ws_Zoë" }),
    expect: "ok",
    check: (e) => {
      if (!e.data.id.startsWith("deal_é🏠\u2028_")) throw new Error("id changed");
    },
  },
  { name: "nesting 10000 objects deep under data verifies, no crash", body: deepObjects, expect: "ok", deep: true },
  { name: "nesting 10000 arrays deep under data verifies, no crash", body: deepArrays, expect: "ok", deep: true },
  {
    name: "a number beyond f64 (1e400) in data.value verifies as Infinity",
    body: () => won({ value: "§" }).replace('"§"', "1e400"),
    expect: "ok",
    check: (e) => {
      if (e.data.value !== Infinity) throw new Error(`value ${e.data.value}`);
    },
  },
  {
    name: 'a lone surrogate escape ("\\ud83c") in data.title verifies',
    body: () => won({ title: "§" }).replace('"§"', '"cut \\ud83c"'),
    expect: "ok",
    check: (e) => {
      if (e.data.title !== "cut \ud83c") throw new Error("title changed");
    },
  },
  { name: "a lone surrogate in the JS string body itself (UTF-8: U+FFFD) verifies", body: () => won({ title: "cut \ud83c" }), expect: "ok" },
  { name: "body of exactly maxBodyBytes (1 MiB) verifies", body: () => wonOfSize(MiB), expect: "ok" },
  { name: "body of maxBodyBytes + 1", body: () => wonOfSize(MiB + 1), expect: "body_too_large", status: 413 },
  {
    name: "a string under 1 MiB in UTF-16 units but over it in UTF-8 bytes",
    body: () => won({ note: "é".repeat(600_000) }),
    expect: "body_too_large",
    status: 413,
  },
  { name: "Uint8Array of maxBodyBytes + 1", body: () => bytes(wonOfSize(MiB + 1)), expect: "body_too_large", status: 413 },
  {
    name: "bytes that are not UTF-8, signed",
    body: () => Uint8Array.from([...bytes(won()).slice(0, 40), 0xff, 0xfe, ...bytes(won()).slice(40)]),
    expect: "invalid_json",
  },
  { name: "Uint8Array body", body: () => bytes(won()), expect: "ok" },
  { name: "ArrayBuffer body", body: () => bytes(won()).buffer, expect: "ok" },
  { name: "Buffer body", body: () => Buffer.from(won()), expect: "ok" },
  {
    name: "DataView over a larger buffer, at an offset",
    body: () => {
      const b = bytes(won());
      const big = new Uint8Array(b.length + 9);
      big.set(b, 5);
      return new DataView(big.buffer, 5, b.length);
    },
    expect: "ok",
  },
  {
    name: "Uint8Array subarray at an offset",
    body: () => {
      const b = bytes(won());
      const big = new Uint8Array(b.length + 9);
      big.set(b, 7);
      return big.subarray(7, 7 + b.length);
    },
    expect: "ok",
  },
  { name: "an already-parsed object", body: () => JSON.parse(won()), header: "0".repeat(64), expect: "body_already_parsed", status: 500 },
  { name: "an already-parsed array", body: () => [1, 2], header: "0".repeat(64), expect: "body_already_parsed", status: 500 },
  { name: "null body", body: () => null, header: "0".repeat(64), expect: TypeError },
  { name: "number body", body: () => 42, header: "0".repeat(64), expect: TypeError },
  { name: "undefined body", body: () => undefined, header: "0".repeat(64), expect: TypeError },
  { name: "boolean body", body: () => true, header: "0".repeat(64), expect: TypeError },
];

// Options: `construct` rows expect the constructor itself to throw invalid_option (status 500),
// with a message naming the option.
export const NPM_OPTIONS = [
  ...[NaN, -5, Infinity, -Infinity].map((v) => ({ name: `toleranceSeconds ${v}`, options: { toleranceSeconds: v }, construct: "toleranceSeconds" })),
  ...[NaN, -1, 0, 1.5, Infinity].map((v) => ({ name: `maxBodyBytes ${v}`, options: { maxBodyBytes: v }, construct: "maxBodyBytes" })),
  {
    name: 'toleranceSeconds "10" (a string): refused, or exactly 10 seconds, never something else',
    options: { toleranceSeconds: "10" },
    construct: "toleranceSeconds",
    orWorksAs: { toleranceSeconds: 10 },
  },
  {
    name: "toleranceSeconds 0 is valid: the exact time passes, a second later does not",
    options: { toleranceSeconds: 0 },
    expect: "ok",
    verifyOptions: { receivedAt: Date.parse(TS) },
  },
  {
    name: "toleranceSeconds 0, one second late",
    options: { toleranceSeconds: 0 },
    expect: "timestamp_out_of_tolerance",
    verifyOptions: { receivedAt: Date.parse(TS) + 1000 },
  },
  { name: "maxBodyBytes 1 is valid and refuses a real body", options: { maxBodyBytes: 1 }, expect: "body_too_large", status: 413 },
];

// Authentic-after-verify errors and ordinary ones: what the error carries.
export const NPM_AUTHENTIC = [
  { name: "authentic invalid_envelope (deal.won without title) carries body and deliveryId", body: () => won({ title: undefined }), expect: "invalid_envelope", message: /data\.title/ },
  { name: 'authentic {"event":"ping"} is invalid_envelope, authentic', body: () => JSON.stringify({ event: "ping", email: MARKER, note: RUN }), expect: "invalid_envelope" },
  { name: "authentic invalid_json from bytes carries the same Uint8Array", body: () => bytes(`not json ${MARKER} ${RUN}`), expect: "invalid_json" },
  { name: "signature_mismatch: authentic false, no body", header: wrong, expect: MISMATCH },
  { name: "missing_signature: authentic false, no body", header: undefined, expect: MISSING },
  { name: "body_too_large: authentic false, no body", options: { maxBodyBytes: 64 }, expect: "body_too_large", status: 413 },
  {
    name: "timestamp_out_of_tolerance: authentic false, no body",
    options: { toleranceSeconds: 60 },
    verifyOptions: { receivedAt: Date.parse(TS) + 3_600_000 },
    expect: "timestamp_out_of_tolerance",
  },
];

// Delivery ids: each row's `run(verify)` gets `verify(body, header?, webhook?)` → event.
export const NPM_KEYS = [
  {
    name: 'workspaceId "ws:1" + id "x" and workspaceId "ws" + id "1:x" differ',
    run(verify) {
      const a = verify(won({ id: "x" }, { workspaceId: "ws:1" }));
      const b = verify(won({ id: "1:x" }, { workspaceId: "ws" }));
      return [["differ", a.idempotencyKey, b.idempotencyKey]];
    },
  },
  {
    name: "two contact.updated with the same id and timestamp but other content differ",
    run(verify) {
      const id = uid("con");
      const a = verify(contactUpdated(id, { phone: "+1-438-555-0100" }));
      const b = verify(contactUpdated(id, { phone: "+1-438-555-0199" }));
      return [["differ", a.idempotencyKey, b.idempotencyKey]];
    },
  },
  {
    name: "the same bytes give the same key, as string, Uint8Array and Buffer",
    run(verify) {
      const body = won();
      const keys = [body, bytes(body), Buffer.from(body)].map((b) => verify(b).idempotencyKey);
      return [["same", keys[0], keys[1]], ["same", keys[0], keys[2]]];
    },
  },
  {
    name: "the key is 64 lowercase hex: the SHA-256 of the body bytes",
    run(verify) {
      const body = won({ id: `deal_é\n_${RUN}` });
      return [["same", verify(body).idempotencyKey, sha256hex(Buffer.from(body))]];
    },
  },
  {
    name: "the key is the same whichever secret (current or previous) verified",
    run(verify, { Webhook }) {
      const body = won();
      const rotating = new Webhook(OTHER_SECRET, { previousSecrets: [SECRET] });
      return [["same", verify(body).idempotencyKey, verify(body, sign(OTHER_SECRET, body), rotating).idempotencyKey]];
    },
  },
  {
    name: "the same JSON re-serialized (other bytes, re-signed) is another delivery",
    run(verify) {
      const body = won();
      const pretty = JSON.stringify(JSON.parse(body), null, 2);
      return [["differ", verify(body).idempotencyKey, verify(pretty).idempotencyKey]];
    },
  },
];

// ---------------------------------------------------------------------------------------------
// `webhook.handle(Request)`. Row: { name, options?, request(ctx) → Request, expect: { status,
// code?, allow? }, check?(response json, ctx) }. ctx.stream(total, chunk) is a ReadableStream of
// `total` bytes that counts how many bytes were pulled from it (ctx.pulled()).
// ---------------------------------------------------------------------------------------------
const URL_ = "http://127.0.0.1/webhooks/atlasbrokers";
const post = (body, headers = {}, init = {}) => new Request(URL_, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, ...init });

export const HANDLE = [
  ...["GET", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS"].map((method) => ({
    name: `${method} → 405 with Allow: POST`,
    request: () => new Request(URL_, { method, ...(["GET", "HEAD"].includes(method) ? {} : { body: won() }) }),
    expect: { status: 405, code: "method_not_allowed", allow: "POST" },
  })),
  {
    name: "authentic POST → 200 with the body's SHA-256 as idempotencyKey",
    request: (ctx) => post((ctx.body = won()), { "x-webhook-secret": ok(ctx.body) }),
    expect: { status: 200 },
    check: (json, ctx) => {
      if (json.idempotencyKey !== sha256hex(Buffer.from(ctx.body))) throw new Error(`key ${json.idempotencyKey}`);
    },
  },
  {
    name: "duplicated header through Fetch Headers (wrong, valid) → 200",
    request: (ctx) => {
      ctx.body = won();
      const h = headersOf(wrong(ctx.body), ok(ctx.body));
      return new Request(URL_, { method: "POST", body: ctx.body, headers: h });
    },
    expect: { status: 200 },
  },
  {
    name: "Content-Length lie: declares 10, streams 4 MiB (max 64 KiB) → 413 without reading it all",
    options: { maxBodyBytes: 64 * 1024 },
    request: (ctx) => post(ctx.stream(4 * MiB, 16 * 1024), { "content-length": "10", "x-webhook-secret": "0".repeat(64) }, { duplex: "half" }),
    expect: { status: 413, code: "body_too_large" },
    check: (_, ctx) => {
      if (ctx.pulled() > 256 * 1024) throw new Error(`read ${ctx.pulled()} bytes of 4 MiB`);
    },
  },
  {
    name: "chunked (no Content-Length) stream over the limit → 413 without reading it all",
    options: { maxBodyBytes: 64 * 1024 },
    request: (ctx) => post(ctx.stream(4 * MiB, 8 * 1024), { "x-webhook-secret": "0".repeat(64) }, { duplex: "half" }),
    expect: { status: 413, code: "body_too_large" },
    check: (_, ctx) => {
      if (ctx.pulled() > 256 * 1024) throw new Error(`read ${ctx.pulled()} bytes of 4 MiB`);
    },
  },
  {
    name: "declared Content-Length over the limit → 413, body never read",
    options: { maxBodyBytes: 64 * 1024 },
    request: (ctx) => post(ctx.stream(1024, 1024), { "content-length": String(10 ** 12), "x-webhook-secret": "0".repeat(64) }, { duplex: "half" }),
    expect: { status: 413, code: "body_too_large" },
    check: (_, ctx) => {
      if (ctx.pulled() > 1024) throw new Error(`read ${ctx.pulled()} bytes`);
    },
  },
  {
    name: 'Content-Length "abc" is ignored: the authentic body is read and verifies',
    request: (ctx) => post((ctx.body = won()), { "content-length": "abc", "x-webhook-secret": ok(ctx.body) }),
    expect: { status: 200 },
  },
  {
    name: "unsigned POST → 401 missing_signature",
    request: () => post(won()),
    expect: { status: 401, code: MISSING },
  },
  {
    name: "authentic but not the envelope → 400 invalid_envelope (the package judges the schema)",
    request: (ctx) => post((ctx.body = won({ title: undefined })), { "x-webhook-secret": ok(ctx.body) }),
    expect: { status: 400, code: "invalid_envelope" },
  },
];

// ---------------------------------------------------------------------------------------------
// (b) The edge verifier over HTTP (raw sockets: every byte is what the row says).
//
// Row: { name, req(ctx) → { method?, path?, headers?: [[name, value]...] | (body) => ..., body?,
// sig?, contentLength? (null: no header), chunks? (chunk size: Transfer-Encoding: chunked),
// unterminated? (no last chunk), halfClose? (end the socket after sending), timeoutMs? },
// expect: { status | statusIn, code? | codeIn?, allow? }, fastMs?, never2xx?,
// forward?: { to: [sink names], event?: string | null (no X-Atlas-Event), problem?: string } }.
// `sig`: undefined → one valid X-Webhook-Secret line; null → none; a string or an array of
// strings → those lines. A row without `forward` must reach no sink (checked per row at the end,
// by body digest). `never2xx` rows only require that nothing was accepted.
// ---------------------------------------------------------------------------------------------
const Z = ["zapier"];
const ZM = ["zapier", "make"];
const accepted = { status: 202 };
const notFound = { status: 404, code: "not_found" };

export const EDGE_METHODS = [
  ...["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"].map((method) => ({
    name: `${method} on the webhook path → 405 with Allow: POST`,
    req: () => (["GET", "HEAD", "OPTIONS"].includes(method) ? { method, sig: null } : { method, body: won() }),
    expect: { status: 405, code: method === "HEAD" ? undefined : "method_not_allowed", allow: "POST" },
  })),
];

export const EDGE_PATHS = [
  { name: "trailing slash /webhooks/atlasbrokers/ (authentic) → 404", req: () => ({ path: PATH + "/", body: won() }), expect: notFound },
  { name: "double slash //webhooks/atlasbrokers (authentic) → 404", req: () => ({ path: "/" + PATH, body: won() }), expect: notFound },
  { name: "uppercase path (authentic) → 404", req: () => ({ path: PATH.toUpperCase(), body: won() }), expect: notFound },
  { name: "encoded path /webhooks/atlas%62rokers (authentic) → 404", req: () => ({ path: "/webhooks/atlas%62rokers", body: won() }), expect: notFound },
  { name: "encoded slash /webhooks%2Fatlasbrokers (authentic) → 404", req: () => ({ path: "/webhooks%2Fatlasbrokers", body: won() }), expect: notFound },
  { name: "matrix parameter /webhooks/atlasbrokers;x=1 (authentic) → 404", req: () => ({ path: PATH + ";x=1", body: won() }), expect: notFound },
  { name: "POST /healthz (authentic) → 404", req: () => ({ path: "/healthz", body: won() }), expect: notFound },
  {
    name: "query string on the webhook path (authentic) → 202, forwarded",
    req: () => ({ path: PATH + "?source=atlas&x=%0a", body: won() }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
];

export const EDGE_HEADERS = [
  { name: "two identical valid X-Webhook-Secret lines → 202", req: () => ({ body: won(), sig: (b) => [ok(b), ok(b)] }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  { name: "two lines: wrong then valid → 202", req: () => ({ body: won(), sig: (b) => [wrong(b), ok(b)] }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  { name: "three lines: wrong, garbage, valid → 202", req: () => ({ body: won(), sig: (b) => [wrong(b), "zz", ok(b)] }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  { name: "uppercase-hex signature → 202, forwarded in lowercase", req: () => ({ body: won(), sig: (b) => [ok(b).toUpperCase()] }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  {
    name: "garbage line then an uppercase-hex line → 202, forwarded in lowercase",
    req: () => ({ body: won(), sig: (b) => ["nope", ok(b).toUpperCase()] }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  { name: "two wrong lines → 401 signature_mismatch", req: () => ({ body: won(), sig: (b) => [wrong(b), sign("third", b)] }), expect: { status: 401, code: MISMATCH } },
  { name: "two blank lines → 401 missing_signature", req: () => ({ body: won(), sig: ["", " "] }), expect: { status: 401, code: MISSING } },
  { name: "a blank line and a short one → 401 malformed_signature", req: () => ({ body: won(), sig: ["", "abc"] }), expect: { status: 401, code: MALFORMED } },
  {
    name: "uppercase header name X-WEBHOOK-SECRET → 202",
    req: () => ({ body: won(), sig: null, headers: (b) => [["X-WEBHOOK-SECRET", ok(b)]] }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: "mixed-case names, Content-Type text/plain → 202, forwarded as application/json",
    req: () => ({ body: won(), sig: null, headers: (b) => [["x-WeBhOoK-sEcReT", ok(b)], ["CONTENT-TYPE", "TEXT/PLAIN"]] }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
];

// Truthful or refused by the HTTP layer: each body is sent whole, so wrangler dev's draining
// middleware reads what the worker left unread and the run can share the normal instance.
export const EDGE_LENGTHS = [
  {
    name: "Content-Length MAX_BODY_BYTES + 1, truthful and signed → 413",
    req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes + 1) }),
    expect: { status: 413, code: "body_too_large" },
  },
  {
    name: "Content-Length 2 MB, truthful, unsigned → 413",
    req: () => ({ body: wonOfSize(2_000_000), sig: null }),
    expect: { status: 413, code: "body_too_large" },
  },
  {
    name: "two conflicting Content-Length lines → refused, nothing forwarded",
    req: () => ({ body: won(), contentLength: null, headers: (b) => [["Content-Length", String(Buffer.byteLength(b))], ["Content-Length", "5"]] }),
    never2xx: true,
  },
  {
    name: "Content-Length 0 followed by the signed body → 401 (the worker verifies what it read)",
    req: () => ({ body: won(), contentLength: 0 }),
    expect: { status: 401, code: MISMATCH },
  },
];

// Content-Length lies: the client sends less than it declared and closes its side. These run
// one at a time on the second wrangler dev (see EDGE_UNREAD): a body that ends early breaks
// wrangler dev's proxy, which answers 503 "Your worker restarted mid-request" itself, so the
// runner only asserts that nothing was accepted and nothing forwarded.
export const EDGE_LENGTH_LIES = [
  {
    name: "Content-Length 10, sends 5 signed bytes and closes → not accepted, nothing forwarded",
    req: () => ({ body: "[1,2]", contentLength: 10, halfClose: true }),
    never2xx: true,
  },
  {
    name: "Content-Length 10^12, sends 100 signed bytes and closes → not accepted, nothing forwarded",
    req: () => ({ body: won().slice(0, 100), contentLength: 10 ** 12, halfClose: true }),
    never2xx: true,
  },
];

// Bodies the worker must refuse without reading them to the end. `wrangler dev` (and only dev)
// wraps the worker in a middleware that drains every unread request body before the response
// goes out, so these run against a second wrangler dev with that middleware off
// (WRANGLER_DISABLE_REQUEST_BODY_DRAINING), as a deployed worker runs. The client sends part
// of the body and waits: the answer must come at once.
// One at a time, each after a GET /healthz that answered 200: a request body the worker left
// unread breaks the dev proxy's connection to the worker, and the next request on it fails
// (a GET waits for a retry, anything else gets wrangler's own 503). With the draining
// middleware on, an over-limit chunked body does the same (the worker holds the stream, the
// middleware cannot drain it), to whatever request runs next, so none of these runs there.
export const EDGE_UNREAD = [
  {
    name: "Content-Length 10^7, sends 100 bytes and waits → 413 at once",
    req: () => ({ body: won().slice(0, 100), contentLength: 10 ** 7, sig: "0".repeat(64), timeoutMs: 8000 }),
    expect: { status: 413, code: "body_too_large" },
    fastMs: 3000,
  },
  {
    // Above 2^32: the declared size must still be read as a number (wasm32's usize is 32 bits).
    name: "Content-Length 10^12, sends 100 bytes and waits → 413 at once",
    req: () => ({ body: won().slice(0, 100), contentLength: 10 ** 12, sig: "0".repeat(64), timeoutMs: 8000 }),
    expect: { status: 413, code: "body_too_large" },
    fastMs: 3000,
  },
  {
    // The reader must stop past MAX_BODY_BYTES, as handle() does: not wait for (or buffer) the rest.
    name: "chunked body past MAX_BODY_BYTES that never ends (signed) → 413 at once",
    req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes * 2), chunks: 8 * 1024, unterminated: true, timeoutMs: 8000 }),
    expect: { status: 413, code: "body_too_large" },
    fastMs: 3000,
  },
  {
    name: "chunked body over MAX_BODY_BYTES (signed) → 413",
    req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes + 4096), chunks: 8 * 1024 }),
    expect: { status: 413, code: "body_too_large" },
  },
  // Unsigned, twice the limit: 413 before any signature check, whatever the framing.
  {
    name: "chunked body over MAX_BODY_BYTES (unsigned) → 413",
    req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes * 2), chunks: 16 * 1024, sig: null }),
    expect: { status: 413, code: "body_too_large" },
  },
];

// Chunked bodies the worker reads to the end (on the normal instance, concurrently).
export const EDGE_CHUNKED = [
  {
    // The limit is inclusive on the chunk-by-chunk path too.
    name: "chunked authentic body of exactly MAX_BODY_BYTES in 8 KiB chunks → 202, forwarded",
    req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes), chunks: 8 * 1024 }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: "chunked authentic body in 7-byte chunks → 202, forwarded byte-exact",
    req: () => ({ body: won(), chunks: 7 }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
];

// gzip: the signature covers the bytes the worker sees. workerd hands the worker a request body
// as it came over the wire (it does not decode Content-Encoding on requests), so a gzip body is
// authentic only when the signature is over the gzip bytes; then it is not JSON and is
// forwarded byte-exact as an invalid_json envelope problem, to "*" routes only.
export const EDGE_GZIP = [
  {
    name: "gzip body, signature over the uncompressed JSON → 401, nothing forwarded",
    req: () => {
      const json = won();
      return { body: zlib.gzipSync(json), sig: ok(json), headers: [["Content-Encoding", "gzip"]] };
    },
    expect: { status: 401, code: MISMATCH },
  },
  {
    name: "gzip body, signature over the gzip bytes → 202, the gzip bytes forwarded (invalid_json)",
    req: () => ({ body: zlib.gzipSync(won()), headers: [["Content-Encoding", "gzip"]] }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_json" },
  },
];

export const EDGE_IDS = [
  { name: 'data.id "deal_\\n1" (JSON escape) → 202, header-safe delivery id', req: () => ({ body: won({ id: `deal_\n1_${RUN}` }) }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  {
    name: "data.id with NUL, DEL, U+2028 escapes → 202",
    req: () => ({ body: won({ id: `deal_\u0000\u007f\u2028_${RUN}` }) }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  { name: "data.id with raw non-ASCII (é🏠) → 202", req: () => ({ body: won({ id: `deal_é🏠_${RUN}` }) }), expect: accepted, forward: { to: ZM, event: "deal.won" } },
  {
    name: 'workspaceId "ws\\r\\nX-Injected: yes" → 202, no header injected',
    req: () => ({ body: won({}, { workspaceId: "ws\r\nX-Injected: yes" }) }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  { name: 'event "deal.wön" → 202, X-Atlas-Event percent-encoded', req: () => ({ body: won({}, { event: "deal.wön" }) }), expect: accepted, forward: { to: ZM, event: "deal.wön" } },
  {
    name: 'event "deal.\\nwon\\r" (control characters) → 202, percent-encoded',
    req: () => ({ body: won({}, { event: "deal.\nwon\r" }) }),
    expect: accepted,
    forward: { to: ZM, event: "deal.\nwon\r" },
  },
  {
    name: 'event "заявка.создана🏠" (outside the catalog) → 202 to "*" only',
    req: () => ({ body: won({}, { event: "заявка.создана🏠" }) }),
    expect: accepted,
    forward: { to: Z, event: "заявка.создана🏠" },
  },
];

export const EDGE_JSON = [
  {
    name: "duplicate event keys (contact.updated, then deal.won): the last wins, routed as deal.won",
    req: () => ({ body: rawWon('"title":"t","value":1', '"event":"contact.updated","event":"deal.won"') }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: 'duplicate data.value ("x", then 2400): last wins, a valid envelope',
    req: () => ({ body: rawWon('"title":"t","value":"x","value":2400') }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: 'duplicate data.value (2400, then "x"): last wins, forwarded with the problem',
    req: () => ({ body: rawWon('"title":"t","value":2400,"value":"x"') }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won", problem: "invalid_envelope; field=data.value" },
  },
];

// Key collisions: `pair` rows post `first`, wait until every destination has it, then post
// `second`, which must be accepted (not "duplicate") and forwarded too.
export const EDGE_COLLISIONS = [
  {
    name: 'workspaceId "ws:1" + id "x", then workspaceId "ws" + id "1:x": both forwarded',
    pair: () => [won({ id: "x" }, { workspaceId: "ws:1" }), won({ id: "1:x" }, { workspaceId: "ws" })],
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: "two contact.updated, same id and timestamp, other content: both forwarded",
    pair: () => {
      const id = uid("con");
      return [contactUpdated(id, { phone: "+1-438-555-0100" }), contactUpdated(id, { phone: "+1-438-555-0199" })];
    },
    forward: { to: Z, event: "contact.updated" },
  },
  {
    name: "the same bytes again after both acknowledged → 202, not forwarded again",
    pair: () => {
      const body = won();
      return [body, body];
    },
    forward: { to: ZM, event: "deal.won" },
    secondIsDuplicate: true,
  },
];

export const EDGE_ENVELOPE = [
  {
    name: 'authentic {"event":"ping"} → 202 to "*" only, with X-Atlas-Envelope-Problem',
    req: () => ({ body: JSON.stringify({ event: "ping", email: MARKER, note: uid("ping") }) }),
    expect: accepted,
    forward: { to: Z, event: "ping", problem: "invalid_envelope" },
  },
  {
    name: "authentic deal.won without title → 202, problem field data.title",
    req: () => ({ body: won({ title: undefined }) }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won", problem: "invalid_envelope; field=data.title" },
  },
  {
    name: 'authentic deal.won with "value":"2400" → 202, problem field data.value',
    req: () => ({ body: won({ value: "2400" }) }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won", problem: "invalid_envelope; field=data.value" },
  },
  {
    name: "authentic body that is not JSON → 202 to \"*\" only, invalid_json, no X-Atlas-Event",
    req: () => ({ body: `not json ${MARKER} ${uid("nj")}` }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_json" },
  },
  {
    name: "authentic empty body → 202 to \"*\" only, invalid_json",
    req: () => ({ body: "" }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_json" },
  },
  {
    name: "authentic UTF-8 BOM before the JSON → 202, invalid_json (as JSON.parse)",
    req: () => ({ body: "\ufeff" + won() }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_json" },
  },
  {
    name: "authentic bytes that are not UTF-8 → 202, forwarded byte-exact, invalid_json",
    req: () => ({ body: Buffer.concat([Buffer.from(won().slice(0, 30)), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(won().slice(30))]) }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_json" },
  },
  {
    name: "authentic top-level JSON array → 202 to \"*\" only, invalid_envelope",
    req: () => ({ body: JSON.stringify([MARKER, uid("arr")]) }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_envelope" },
  },
  {
    name: "authentic event that is a number → 202 to \"*\" only, invalid_envelope field event",
    req: () => ({ body: JSON.stringify({ event: 42, timestamp: TS, workspaceId: "ws", data: { id: uid("n"), email: MARKER } }) }),
    expect: accepted,
    forward: { to: Z, event: null, problem: "invalid_envelope; field=event" },
  },
  {
    name: "authentic deal.won nested 10000 deep under data → 202, a valid envelope",
    req: deepArraysReq,
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
  {
    name: "authentic 1e400 and a lone surrogate escape → 202, a valid envelope",
    req: () => ({ body: won({ value: "§", title: "¶" }).replace('"§"', "1e400").replace('"¶"', '"cut \\ud83c"') }),
    expect: accepted,
    forward: { to: ZM, event: "deal.won" },
  },
];
function deepArraysReq() {
  return { body: deepArrays() };
}

const DEAD = "/admin/dead-letters";
export const EDGE_ADMIN_IDS = [
  { name: "a 520-character dead-letter id of the right alphabet → 404", req: () => ({ path: `${DEAD}/dead:${"a".repeat(515)}/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  { name: "a 520-character id of x → 404", req: () => ({ path: `${DEAD}/${"x".repeat(520)}/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  { name: 'id "../" (encoded) → 404', req: () => ({ path: `${DEAD}/${encodeURIComponent("../")}/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  { name: 'id "%2e%2e" (encoded) → 404', req: () => ({ path: `${DEAD}/${encodeURIComponent("%2e%2e")}/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  { name: 'id "dead:é🏠" (unicode) → 404', req: () => ({ path: `${DEAD}/${encodeURIComponent("dead:é🏠")}/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  { name: 'id "dead:%00" → 404', req: () => ({ path: `${DEAD}/dead:%00/replay` }), expect: { status: 404, code: "unknown_dead_letter" } },
  {
    name: "a well-formed id that does not exist → 404",
    req: () => ({ path: `${DEAD}/dead:001772461391000:zapier:0123456789abcdef/replay` }),
    expect: { status: 404, code: "unknown_dead_letter" },
  },
  // The URL parser removes dot segments before the worker sees the path: /admin/replay.
  { name: "raw /admin/dead-letters/../replay → 404", req: () => ({ path: `${DEAD}/../replay` }), expect: { status: 404, codeIn: ["not_found", "unknown_dead_letter"] } },
  { name: "raw /admin/dead-letters/%2e%2e/replay → 404", req: () => ({ path: `${DEAD}/%2e%2e/replay` }), expect: { status: 404, codeIn: ["not_found", "unknown_dead_letter"] } },
];

// Tokens, against GET /admin/dead-letters. `auth`: the Authorization lines to send.
export const EDGE_TOKENS = [
  { name: "no Authorization → 401", auth: [], expect: { status: 401, code: "unauthorized" } },
  { name: "wrong token → 401", auth: ["Bearer not-the-token"], expect: { status: 401, code: "unauthorized" } },
  { name: "empty Authorization → 401", auth: [""], expect: { status: 401, code: "unauthorized" } },
  { name: '"Bearer " only → 401', auth: ["Bearer "], expect: { status: 401, code: "unauthorized" } },
  { name: "the token without a scheme → 401", auth: [ADMIN], expect: { status: 401, code: "unauthorized" } },
  { name: '"Basic" with the token → 401', auth: [`Basic ${Buffer.from(`admin:${ADMIN}`).toString("base64")}`], expect: { status: 401, code: "unauthorized" } },
  { name: "the token plus one character → 401", auth: [`Bearer ${ADMIN}x`], expect: { status: 401, code: "unauthorized" } },
  { name: "the webhook secret as the token → 401", auth: [`Bearer ${SECRET}`], expect: { status: 401, code: "unauthorized" } },
  { name: "two Authorization lines (wrong, right) → 401", auth: ["Bearer nope", `Bearer ${ADMIN}`], expect: { status: 401, code: "unauthorized" } },
  { name: "a 10 KB token → 401, fast", auth: [`Bearer ${"t".repeat(10 * 1024)}`], expect: { status: 401, code: "unauthorized" }, fastMs: 2000 },
  { name: 'lowercase "bearer <token>" → 200', auth: [`bearer ${ADMIN}`], expect: { status: 200 } },
  { name: '"BEARER <token>" → 200', auth: [`BEARER ${ADMIN}`], expect: { status: 200 } },
  { name: "the token with trailing spaces (HTTP whitespace) → 200", auth: [`Bearer ${ADMIN}   `], expect: { status: 200 } },
];

// Unauthenticated garbage: 401 (or 413), and nothing anywhere.
export const EDGE_GARBAGE = [
  { name: "JSON, no signature header → 401 missing_signature", req: () => ({ body: won(), sig: null }), expect: { status: 401, code: MISSING } },
  { name: "empty body, no header → 401 missing_signature", req: () => ({ body: "", sig: null }), expect: { status: 401, code: MISSING } },
  {
    name: "random binary, random 64 hex → 401 signature_mismatch",
    req: () => ({ body: Buffer.concat([crypto.randomBytes(1024), Buffer.from(MARKER + RUN)]), sig: hex(32) }),
    expect: { status: 401, code: MISMATCH },
  },
  {
    name: "XML with sha256=<hex> → 401 malformed_signature",
    req: () => ({ body: `<deal email="${MARKER}">${RUN}</deal>`, sig: `sha256=${hex(32)}`, headers: [["Content-Type", "application/xml"]] }),
    expect: { status: 401, code: MALFORMED },
  },
  {
    name: "form-urlencoded with another body's signature → 401 signature_mismatch",
    req: () => ({ body: `email=${encodeURIComponent(MARKER)}&note=${RUN}`, sig: ok(won()), headers: [["Content-Type", "application/x-www-form-urlencoded"]] }),
    expect: { status: 401, code: MISMATCH },
  },
  {
    name: "a signed body with one space appended → 401 signature_mismatch",
    req: () => {
      const body = won();
      return { body: body + " ", sig: ok(body) };
    },
    expect: { status: 401, code: MISMATCH },
  },
  { name: "signed with the admin token as secret → 401 signature_mismatch", req: () => ({ body: won(), sig: (b) => sign(ADMIN, b) }), expect: { status: 401, code: MISMATCH } },
  { name: "signed with a secret that is not configured → 401 signature_mismatch", req: () => ({ body: won(), sig: wrong }), expect: { status: 401, code: MISMATCH } },
  { name: "an 8 KB hex header → 401 malformed_signature", req: () => ({ body: won(), sig: hex(4096) }), expect: { status: 401, code: MALFORMED } },
  { name: "63 characters of a valid signature → 401 malformed_signature", req: () => ({ body: won(), sig: (b) => ok(b).slice(0, 63) }), expect: { status: 401, code: MALFORMED } },
  { name: '"undefined" as the header → 401 malformed_signature', req: () => ({ body: won(), sig: "undefined" }), expect: { status: 401, code: MALFORMED } },
  { name: "64 fullwidth digits (UTF-8 on the wire) → 401 malformed_signature", req: () => ({ body: won(), sig: "０".repeat(64) }), expect: { status: 401, code: MALFORMED } },
  {
    name: "a NUL byte inside a valid signature on the wire → refused (400 or 401), nothing forwarded",
    req: () => ({ body: won(), sig: (b) => ok(b).slice(0, 32) + "\0" + ok(b).slice(32) }),
    expect: { statusIn: [400, 401] },
  },
  { name: "unsigned body over MAX_BODY_BYTES → 413 body_too_large", req: (ctx) => ({ body: wonOfSize(ctx.maxBodyBytes + 1), sig: null }), expect: { status: 413, code: "body_too_large" } },
  {
    name: "multipart with the JSON inside, no signature → 401 missing_signature",
    req: () => ({
      body: `--b\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${won()}\r\n--b--\r\n`,
      sig: null,
      headers: [["Content-Type", "multipart/form-data; boundary=b"]],
    }),
    expect: { status: 401, code: MISSING },
  },
];
