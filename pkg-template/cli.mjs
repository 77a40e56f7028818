#!/usr/bin/env node
// atlasbrokers-webhooks: sign, verify, send and receive AtlasBrokers webhooks from a terminal.
// Node >= 18, no dependencies beyond the package itself (imported by relative path) and Node's
// own modules. Exit codes: 0 done, 1 the delivery failed (not authentic, non-2xx, network),
// 2 a usage error (unknown command or option, missing secret or argument).
import { parseArgs } from "node:util";
import { readFileSync, existsSync, statSync } from "node:fs";
import http from "node:http";
import { Webhook, sign, sampleBody, deliveryId, EVENT_TYPES, HEADER_NAME as HEADER } from "./node.mjs";

const NAME = "atlasbrokers-webhooks";
const VERSION = (() => {
  try {
    return JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;
  } catch {
    return "unknown";
  }
})();

class UsageError extends Error {}

// ---- output -------------------------------------------------------------------------------

const noColor = process.env.NO_COLOR != null && process.env.NO_COLOR !== "";
let colour = Boolean(process.stdout.isTTY) && !noColor;
const paint = (code) => (s) => (colour ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const green = paint("32");
const red = paint("31");
const yellow = paint("33");
const dim = paint("2");
const bold = paint("1");
// A closed pipe (`| head`) ends the output, not the tool with a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const out = (line = "") => process.stdout.write(line + "\n");
const err = (line = "") => process.stderr.write(line + "\n");
const json = (value) => out(JSON.stringify(value));

const truncate = (text, max = 500) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

// ---- help ---------------------------------------------------------------------------------

const HELP = {
  "": `${NAME} ${VERSION}: sign, verify, send and receive AtlasBrokers webhooks.

Usage: ${NAME} <command> [options]

Commands:
  send <event|file|->   POST a signed delivery to --url, exactly as AtlasBrokers would
  sign [file|-]         print the signature (X-Webhook-Secret) of the exact bytes
  verify [file|-]       check a captured delivery against --signature <hex>
  listen                a local receiver that verifies and prints each delivery (--forward it)
  events                list the event catalog
  sample <event>        print an event's sample body

Options for every command:
  --json                machine-readable output (one JSON value per line)
  -h, --help            help for the tool or a command
  --version             the package version

The secret comes from --secret or the ATLAS_WEBHOOK_SECRET environment variable; it is never
printed. Colour only on a terminal, never when NO_COLOR is set.
Exit codes: 0 done, 1 the delivery failed (not authentic, non-2xx, network error), 2 usage.

Run "${NAME} <command> --help" for a command's options and examples.`,
  send: `Usage: ${NAME} send <event|file|-> --url <url> [options]

POSTs a signed delivery: content-type application/json and the ${HEADER} header (lowercase hex
HMAC-SHA256 of the exact body bytes), as AtlasBrokers does.
  <event>   a catalog sample with every field present, its timestamp set to now
  <file>    the exact bytes of a file (never re-serialized)
  -         the exact bytes of stdin
Prints the status, the time and the answer (truncated); exits 1 on any non-2xx answer or
network error.

Options:
  --url <url>            where to POST (required)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)
  --set <path=value>     change a sample's field, by dotted path (repeatable); the value is
                         parsed as JSON when it parses, else taken as a string
  --count <n>            send n deliveries (default 1); samples get distinct timestamps (one
                         millisecond apart), so each has its own delivery id; a file or stdin
                         is sent n times as is (a duplicate-delivery test)
  --concurrency <c>      deliveries in flight at once with --count (default 1)
  --timeout <seconds>    per delivery (default 10, as AtlasBrokers)
  --json                 one JSON line per delivery, and a summary with --count

Examples:
  ${NAME} send deal.won --url http://localhost:3000/webhooks
  ${NAME} send deal.won --url http://localhost:3000/webhooks --set data.value=3100 --set workspaceId=ws_1
  ${NAME} send captured.json --url http://localhost:3000/webhooks
  ${NAME} send lead.created --url http://localhost:3000/webhooks --count 100 --concurrency 10`,
  sign: `Usage: ${NAME} sign [file|-] [--secret <secret>] [--json]

Prints the lowercase hex HMAC-SHA256 of the exact bytes of a file (or stdin: "-" or nothing),
the value of the ${HEADER} header.

Example:
  ${NAME} sample deal.won > body.json && ${NAME} sign body.json`,
  verify: `Usage: ${NAME} verify [file|-] --signature <hex> [--secret <secret>] [--json]

Checks a captured delivery (the exact bytes of a file, or stdin) against its ${HEADER} header,
with the package's Webhook (envelope and catalog checks included). Exits 0 and prints the event
and its delivery id when authentic; exits 1 and prints the error code and message otherwise.

Options:
  --signature <hex>      the ${HEADER} header as received (required)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)

Example:
  ${NAME} verify body.json --signature 5d0c…`,
  listen: `Usage: ${NAME} listen [--port <p>] [--host <h>] [--forward <url>] [--tolerance <s>] [--max-body-bytes <n>] [--secret <secret>] [--json]

A local receiver: verifies each POST (any path) with the package's Webhook and prints the event,
its delivery id and its typed fields, or the error and what to do. Answers 200 with
{status, event, idempotencyKey}, or the error's status with {error, message}.
With --forward, each POST's exact bytes and ${HEADER} header are POSTed on to your app, whose
status and answer are printed and returned to the sender (502 when it cannot be reached).
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port <p>             port to listen on (default 4242; 0 picks a free one)
  --host <h>             address to listen on (default 127.0.0.1)
  --forward <url>        your app's webhook URL
  --tolerance <s>        refuse deliveries whose timestamp is more than s seconds from now
                         (default: off, as in the package)
  --max-body-bytes <n>   refuse bodies over n bytes with 413, keeping no more (default 1 MiB)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)

Examples:
  ${NAME} listen --port 4242
  ${NAME} listen --port 4242 --forward http://localhost:3000/webhooks`,
  events: `Usage: ${NAME} events [--json]

Lists the event catalog: name, category and description (--json adds the typed fields).

Example:
  ${NAME} events --json`,
  sample: `Usage: ${NAME} sample <event> [--set <path=value>]... [--json]

Prints an event's sample body exactly (every field present), or with --set, the sample with
those fields changed (dotted paths; values parsed as JSON when they parse, else strings).

Examples:
  ${NAME} sample deal.won
  ${NAME} sample deal.won --set data.value=3100 > body.json`,
};

// ---- arguments ----------------------------------------------------------------------------

const COMMON = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } };
const SECRET = { secret: { type: "string" } };
const OPTIONS = {
  send: { ...COMMON, ...SECRET, url: { type: "string" }, set: { type: "string", multiple: true }, count: { type: "string" }, concurrency: { type: "string" }, timeout: { type: "string" } },
  sign: { ...COMMON, ...SECRET },
  verify: { ...COMMON, ...SECRET, signature: { type: "string" } },
  listen: { ...COMMON, ...SECRET, port: { type: "string" }, host: { type: "string" }, forward: { type: "string" }, tolerance: { type: "string" }, "max-body-bytes": { type: "string" } },
  events: { ...COMMON },
  sample: { ...COMMON, set: { type: "string", multiple: true } },
};
const MAX_POSITIONALS = { send: 1, sign: 1, verify: 1, listen: 0, events: 0, sample: 1 };

function secretOf(values) {
  const secret = values.secret ?? process.env.ATLAS_WEBHOOK_SECRET;
  if (secret == null || secret === "") {
    throw new UsageError("no secret: pass --secret <secret> or set ATLAS_WEBHOOK_SECRET");
  }
  return secret;
}

function positiveInt(value, name, fallback) {
  if (value == null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number ≥ 1, not "${value}"`);
  return n;
}

function urlOf(value, name) {
  if (value == null) throw new UsageError(`--${name} <url> is required`);
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
    return url.href;
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, not "${value}"`);
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readInput(source) {
  // Nothing to read from a terminal: say so rather than wait for input that is not coming.
  if (source == null && process.stdin.isTTY) throw new UsageError(`give a file, or pipe the body in (or "-" for stdin)`);
  if (source == null || source === "-") return readStdin();
  if (!existsSync(source) || !statSync(source).isFile()) throw new UsageError(`no such file: ${source}`);
  return readFileSync(source);
}

function eventType(name) {
  return EVENT_TYPES.find((t) => t.name === name);
}

function unknownEvent(name) {
  return new UsageError(`"${name}" is not an event in the catalog (see "${NAME} events")`);
}

/** The sample of `name` with `--set path=value` overrides applied (dotted paths). */
function withOverrides(body, sets) {
  const object = JSON.parse(body);
  for (const assignment of sets) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects path=value, not "${assignment}"`);
    const path = assignment.slice(0, eq).split(".");
    if (path.some((p) => p === "")) throw new UsageError(`--set: empty segment in "${assignment.slice(0, eq)}"`);
    const text = assignment.slice(eq + 1);
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let target = object;
    for (const key of path.slice(0, -1)) {
      if (target[key] === null || typeof target[key] !== "object") target[key] = {};
      target = target[key];
    }
    target[path.at(-1)] = value;
  }
  return object;
}

// ---- commands -----------------------------------------------------------------------------

async function cmdSign(values, [source]) {
  const secret = secretOf(values);
  const bytes = await readInput(source);
  const signature = sign(secret, bytes);
  if (values.json) json({ signature, header: HEADER, deliveryId: deliveryId(bytes), bytes: bytes.length });
  else out(signature);
  return 0;
}

async function cmdVerify(values, [source]) {
  const secret = secretOf(values);
  if (values.signature == null) throw new UsageError("--signature <hex> is required (the X-Webhook-Secret header as received)");
  const bytes = await readInput(source);
  try {
    const event = new Webhook(secret).verify(bytes, values.signature);
    if (values.json) json({ ok: true, event: event.event, deliveryId: event.idempotencyKey, body: event });
    else {
      out(`${green("✔ authentic")} ${bold(event.event)} ${dim("delivery")} ${event.idempotencyKey}`);
      printFields(event);
    }
    return 0;
  } catch (e) {
    if (e?.code == null) throw e;
    const id = e.authentic ? e.deliveryId : undefined;
    if (values.json) json({ ok: false, code: e.code, status: e.status, message: e.message, authentic: Boolean(e.authentic), ...(id ? { deliveryId: id } : {}) });
    else {
      out(`${red("✖ " + e.code)} ${dim(`(HTTP ${e.status})`)} ${e.message}`);
      if (id) out(`${dim("authentic; delivery")} ${id}`);
    }
    return 1;
  }
}

function printFields(event) {
  out(`  ${dim("timestamp")}   ${event.timestamp}`);
  out(`  ${dim("workspaceId")} ${event.workspaceId}`);
  const type = eventType(event.event);
  const data = event.data ?? {};
  const names = type ? type.fields.map((f) => f.name) : Object.keys(data);
  for (const key of Object.keys(data)) if (!names.includes(key)) names.push(key);
  for (const name of names) {
    const shown = name in data ? JSON.stringify(data[name]) : dim("(absent)");
    out(`  ${dim("data." + name)} ${shown}`);
  }
}

async function cmdEvents(values) {
  if (values.json) {
    json(EVENT_TYPES.map(({ name, category, description, fields }) => ({ name, category, description, fields })));
    return 0;
  }
  const width = Math.max(...EVENT_TYPES.map((t) => t.name.length));
  const catWidth = Math.max(...EVENT_TYPES.map((t) => t.category.length));
  for (const t of EVENT_TYPES) out(`${bold(t.name.padEnd(width))}  ${dim(t.category.padEnd(catWidth))}  ${t.description}`);
  return 0;
}

async function cmdSample(values, [name]) {
  if (name == null) throw new UsageError(`sample needs an event name (see "${NAME} events")`);
  const body = sampleBody(name);
  if (body == null) throw unknownEvent(name);
  const text = values.set?.length ? JSON.stringify(withOverrides(body, values.set)) : body;
  // The exact bytes; a newline only on a terminal, so `sample x > file` holds the body alone.
  process.stdout.write(process.stdout.isTTY ? text + "\n" : text);
  return 0;
}

async function postOnce(url, bytes, signature, timeoutMs) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      body: bytes,
      headers: { "content-type": "application/json", [HEADER]: signature },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    const answer = await response.text();
    const ms = performance.now() - started;
    return { status: response.status, ok: response.status >= 200 && response.status < 300, ms, answer };
  } catch (e) {
    const ms = performance.now() - started;
    const reason = e?.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (e?.cause?.message ?? e?.message ?? String(e));
    return { status: null, ok: false, ms, error: reason };
  }
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
const round = (ms) => Math.round(ms * 10) / 10;

async function cmdSend(values, [target]) {
  const secret = secretOf(values);
  const url = urlOf(values.url, "url");
  const count = positiveInt(values.count, "count", 1);
  const concurrency = positiveInt(values.concurrency, "concurrency", 1);
  const timeoutMs = positiveInt(values.timeout, "timeout", 10) * 1000;
  if (target == null) throw new UsageError(`send needs an event name, a file or - (stdin)`);
  const sets = values.set ?? [];

  // The bodies to send, built up front so every delivery's bytes are known.
  let bodyAt;
  if (target !== "-" && eventType(target)) {
    const base = Date.now();
    const setsTimestamp = sets.some((s) => s.startsWith("timestamp="));
    // As AtlasBrokers: stamped with the send time (one ms apart, so each delivery is distinct).
    // The envelope's timestamp is the sample's first "timestamp" (after "event").
    const stamped = (i) =>
      sampleBody(target).replace(/"timestamp":"[^"]*"/, `"timestamp":"${new Date(base + i).toISOString()}"`);
    bodyAt = (i) => {
      if (setsTimestamp && count > 1 && i > 0) {
        throw new UsageError("--set timestamp=... with --count would send the same delivery several times");
      }
      // Without --set, the sample's own bytes but the timestamp; --set re-serializes it.
      return Buffer.from(sets.length ? JSON.stringify(withOverrides(stamped(i), sets)) : stamped(i));
    };
  } else {
    if (sets.length) throw new UsageError("--set changes catalog samples; a file or stdin is sent byte for byte");
    if (target !== "-" && !existsSync(target)) {
      throw new UsageError(`"${target}" is neither an event in the catalog (see "${NAME} events") nor a file`);
    }
    const bytes = await readInput(target);
    bodyAt = () => bytes;
  }
  const bodies = Array.from({ length: count }, (_, i) => bodyAt(i));

  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const bytes = bodies[i];
      const signature = sign(secret, bytes);
      const result = await postOnce(url, bytes, signature, timeoutMs);
      let event;
      try {
        event = JSON.parse(bytes.toString("utf8")).event;
      } catch {
        event = undefined;
      }
      results[i] = { index: i, event, deliveryId: deliveryId(bytes), ...result };
      report(results[i], values, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));

  const failed = results.filter((r) => !r.ok).length;
  if (count > 1) {
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    const summary = { count, ok: count - failed, failed, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), concurrency: Math.min(concurrency, count) };
    if (values.json) json({ summary });
    else {
      const verdict = failed ? red(`${failed} failed`) : green("0 failed");
      out(`${bold(`${count} deliveries`)}: ${green(`${summary.ok} ok`)}, ${verdict}; p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms (concurrency ${summary.concurrency})`);
    }
  }
  return failed ? 1 : 0;
}

function report(r, values, count) {
  if (values.json) {
    const { index, event, deliveryId: id, status, ok, ms, answer, error } = r;
    json({ ...(count > 1 ? { index } : {}), event: event ?? null, deliveryId: id, status, ok, ms: round(ms), ...(error ? { error } : { answer: truncate(answer, 2000) }) });
    return;
  }
  const what = `${r.event ? bold(r.event) + " " : ""}${dim("delivery")} ${r.deliveryId}`;
  if (r.status == null) {
    out(`${red("✖ network error")} ${what}: ${r.error} ${dim(`(${round(r.ms)} ms)`)}`);
    return;
  }
  const status = r.ok ? green(`${r.status}`) : red(`${r.status}`);
  out(`${status} in ${round(r.ms)} ms ${what}`);
  if (count === 1 && r.answer) out(`  ${dim("answer")} ${truncate(r.answer.replace(/\s+/g, " ").trim())}`);
}

/** A number option (the Webhook refuses, by name, values it cannot mean). */
function numberOf(text, flag) {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not "${text}"`);
  return n;
}

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

async function cmdListen(values) {
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

const COMMANDS = { send: cmdSend, sign: cmdSign, verify: cmdVerify, listen: cmdListen, events: cmdEvents, sample: cmdSample };

// ---- main ---------------------------------------------------------------------------------

async function main(argv) {
  let command = argv[0];
  if (command === "help") {
    const topic = argv[1];
    if (topic && !(topic in COMMANDS)) throw new UsageError(`unknown command "${topic}"`);
    out(HELP[topic ?? ""]);
    return 0;
  }
  if (command == null || command === "--help" || command === "-h") {
    out(HELP[""]);
    return command == null ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    out(VERSION);
    return 0;
  }
  if (!(command in COMMANDS)) {
    throw new UsageError(command.startsWith("-") ? `unknown option "${command}" (a command comes first)` : `unknown command "${command}"`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values, positionals } = parsed;
  if (values.json) colour = false;
  if (values.help) {
    out(HELP[command]);
    return 0;
  }
  if (positionals.length > MAX_POSITIONALS[command]) {
    throw new UsageError(`unexpected argument "${positionals[MAX_POSITIONALS[command]]}"`);
  }
  return COMMANDS[command](values, positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      err(`${NAME}: ${e.message}`);
      err(`Run "${NAME} --help" for usage.`);
      process.exitCode = 2;
    } else {
      err(`${NAME}: ${e?.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
