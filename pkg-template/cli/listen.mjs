// listen: a local receiver that verifies and prints each delivery, optionally forwarding the
// exact bytes and header to the developer's own app.
import http from "node:http";
import { Webhook, HEADER_NAME as HEADER } from "../node.mjs";
import { green, red, dim, bold, out, err, json, truncate, round } from "./output.mjs";
import { UsageError, secretOf, urlOf, numberOf } from "./inputs.mjs";
import { printFields } from "./inspect.mjs";

/**
 * The request's body, kept up to one byte past `max`: an oversize body then fails verify() with
 * the core's body_too_large (413). The rest is read and dropped, not kept, so that the sender
 * (still sending) gets the answer rather than a reset connection.
 */
async function readUpTo(req, max) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    if (size > max) continue;
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, max + 1);
}

export async function cmdListen(values) {
  const secret = secretOf(values);
  const port = values.port == null ? 4242 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not "${values.port}"`);
  const host = values.host ?? "127.0.0.1";
  const forward = values.forward == null ? undefined : urlOf(values.forward, "forward");
  const options = {};
  if (values.tolerance != null) options.toleranceSeconds = numberOf(values.tolerance, "--tolerance");
  if (values["max-body-bytes"] != null) options.maxBodyBytes = numberOf(values["max-body-bytes"], "--max-body-bytes");
  let webhook;
  try {
    webhook = new Webhook(secret, options);
  } catch (e) {
    // invalid_option: the core's message names the option and what it accepts.
    if (e?.code) throw new UsageError(e.message);
    throw e;
  }

  const answer = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== "POST") {
        answer(res, 405, { error: "method_not_allowed", message: `send webhooks with POST (got ${req.method})` });
        return;
      }
      const bytes = await readUpTo(req, webhook.maxBodyBytes);
      const signature = req.headers[HEADER.toLowerCase()];
      const record = { at: new Date().toISOString(), path: req.url, bytes: bytes.length };
      let local;
      try {
        const event = webhook.verify(bytes, req.headers);
        local = { status: 200, body: { status: "ok", event: event.event, idempotencyKey: event.idempotencyKey } };
        Object.assign(record, { ok: true, event: event.event, deliveryId: event.idempotencyKey, body: event });
        if (!values.json) {
          out(`${green("✔")} ${bold(event.event)} ${dim("delivery")} ${event.idempotencyKey} ${dim(req.url)}`);
          printFields(event);
        }
      } catch (e) {
        if (e?.code == null) throw e;
        local = { status: e.status, body: { error: e.code, message: e.message } };
        Object.assign(record, { ok: false, code: e.code, status: e.status, message: e.message });
        if (!values.json) out(`${red("✖ " + e.code)} ${dim(`(answered ${e.status})`)} ${e.message}`);
      }
      if (forward) {
        const headers = { "content-type": req.headers["content-type"] ?? "application/json" };
        if (signature != null) headers[HEADER] = signature;
        const started = performance.now();
        try {
          const response = await fetch(forward, { method: "POST", body: bytes, headers, redirect: "manual", signal: AbortSignal.timeout(10_000) });
          const text = await response.text();
          const ms = round(performance.now() - started);
          record.forward = { url: forward, status: response.status, ms, answer: truncate(text, 2000) };
          if (!values.json) {
            const ok = response.status >= 200 && response.status < 300;
            out(`  ${dim("→ forwarded:")} ${ok ? green(response.status) : red(response.status)} in ${ms} ms ${dim(truncate(text.replace(/\s+/g, " ").trim()))}`);
          }
          res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
          res.end(text);
        } catch (e) {
          const reason = e?.cause?.message ?? e?.message ?? String(e);
          record.forward = { url: forward, status: null, error: reason };
          if (!values.json) out(`  ${red("→ forward failed:")} ${reason} (answered 502)`);
          answer(res, 502, { error: "forward_failed", message: `could not reach ${forward}: ${reason}` });
        }
      } else {
        answer(res, local.status, local.body);
      }
      if (values.json) json(record);
    } catch (e) {
      err(`${red("error")} ${e?.stack ?? e}`);
      if (!res.headersSent) answer(res, 500, { error: "internal", message: "the listener failed; see its output" });
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const where = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/`;
  if (values.json) json({ listening: where, forward: forward ?? null });
  else out(`${bold("listening on")} ${where}${forward ? ` ${dim("forwarding to")} ${forward}` : ""} ${dim("(Ctrl-C to stop)")}`);

  await new Promise((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  if (!values.json) out(dim("stopped"));
  return 0;
}
