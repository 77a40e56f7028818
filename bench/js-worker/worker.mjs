// The baseline for the edge benchmark: a small JavaScript worker doing the same job as ours
// with Web Crypto (verify the HMAC, parse, route, dedup check, enqueue; the consumer forwards,
// marks acknowledgements and logs one JSON line per attempt, as ours does for operators).
// Written the way a careful developer would, not a strawman.
const encoder = new TextEncoder();
let keyFor = null;
let key = null;

async function hmacKey(secret) {
  if (keyFor !== secret) {
    key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    keyFor = secret;
  }
  return key;
}

function hexToBytes(hex) {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const json = (status, body) => Response.json(body, { status });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return json(200, { ok: true });
    if (url.pathname !== "/webhooks/atlasbrokers") return json(404, { error: "not_found" });
    if (request.method !== "POST") return json(405, { error: "method_not_allowed" });
    const body = await request.arrayBuffer();
    const signature = hexToBytes((request.headers.get("x-webhook-secret") ?? "").trim());
    if (!signature) return json(401, { error: "malformed_signature" });
    const ok = await crypto.subtle.verify("HMAC", await hmacKey(env.ATLAS_WEBHOOK_SECRET), signature, body);
    if (!ok) return json(401, { error: "signature_mismatch" });
    const text = new TextDecoder().decode(body);
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      return json(400, { error: "invalid_json" });
    }
    if (typeof event?.event !== "string" || typeof event.data !== "object" || event.data === null) {
      return json(400, { error: "invalid_envelope" });
    }
    const id = `${event.event}:${event.workspaceId}:${event.data.id}:${event.timestamp}`;
    if (await env.STATE.get(`ack:zapier:${id}`)) return json(200, { status: "duplicate", deliveryId: id });
    await env.DELIVERIES.send({ id, event: event.event, destination: "zapier", signature: request.headers.get("x-webhook-secret"), body: text, attempt: 1 });
    return json(202, { status: "accepted", deliveryId: id, destinations: ["zapier"] });
  },

  async queue(batch, env) {
    await Promise.all(
      batch.messages.map(async (message) => {
        const d = message.body;
        if (await env.STATE.get(`ack:${d.destination}:${d.id}`)) return message.ack();
        const started = Date.now();
        const log = (status, outcome, next) =>
          console.log(JSON.stringify({ deliveryId: d.id, event: d.event, destination: d.destination, attempt: d.attempt, status, latencyMs: Date.now() - started, outcome, next }));
        try {
          const res = await fetch(env.ZAPIER_HOOK_URL, {
            method: "POST",
            body: d.body,
            headers: { "content-type": "application/json", "x-atlas-event": d.event, "x-atlas-delivery-id": d.id, "x-atlas-attempt": String(d.attempt), "x-webhook-secret": d.signature },
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          if (res.ok) {
            log(res.status, "delivered", "done");
            await env.STATE.put(`ack:${d.destination}:${d.id}`, "1", { expirationTtl: 604800 });
            return message.ack();
          }
          log(res.status, "http_error", "retry");
        } catch {
          log(null, "network_error", "retry");
        }
        message.retry({ delaySeconds: 10 });
      }),
    );
  },
};
