// send: POST signed deliveries exactly as AtlasBrokers would (a catalog sample stamped with the
// send time, or a file's exact bytes), one or --count of them, and report each answer.
import { existsSync } from "node:fs";
import { sign, sampleBody, deliveryId, HEADER_NAME as HEADER } from "../node.mjs";
import { green, red, dim, bold, out, json, truncate, round } from "./output.mjs";
import { NAME, UsageError, secretOf, positiveInt, urlOf, readInput, eventType, withOverrides } from "./inputs.mjs";

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

export async function cmdSend(values, [target]) {
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
