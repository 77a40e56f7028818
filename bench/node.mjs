// First Node benchmark: verify (+ JSON parse) with the package against the guide's own
// node:crypto snippet, on equal bodies, in one run. Prints medians and the ratio guide/ours
// (> 1: ours is faster). Ratios, not absolute times, are what compare on a shared machine.
//   node bench/node.mjs [--quick]   (needs `make build`)
import crypto from "node:crypto";
import { Webhook, sign, sampleBody } from "../pkg/index.mjs";

const quick = process.argv.includes("--quick");
const SECRET = "whsec_bench_secret_value";

// The guide's snippet (tests/interop/guide_snippet.mjs), plus the JSON.parse every receiver does.
function guide(rawBody, secret, header) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  if (!crypto.timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(header, "hex"))) throw new Error("bad");
  return JSON.parse(rawBody);
}

/** A delivery of about `size` bytes: the lead sample with a notes field (an extra field). */
function bodyOfSize(size) {
  const base = JSON.parse(sampleBody("lead.created"));
  if (size <= 300) return sampleBody("deal.won");
  const filler = "Client asked about bundling home and auto; follow up after renewal. ";
  base.data.notes = filler.repeat(Math.ceil(size / filler.length)).slice(0, size - JSON.stringify(base).length - 12);
  return JSON.stringify(base);
}

function measure(fn, budgetMs) {
  // Warm up (JIT, wasm tier-up), then time batches; report median and spread per operation.
  const warmEnd = performance.now() + budgetMs / 4;
  let batch = 1;
  while (performance.now() < warmEnd) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t < 2) batch *= 2;
  }
  const samples = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t) / batch);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: samples.length };
}

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const webhook = new Webhook(SECRET);
const budget = quick ? 40 : 800;
const rows = [];
for (const size of [250, 2048, 16384, 131072]) {
  const body = bodyOfSize(size);
  const bytes = Buffer.from(body);
  const header = sign(SECRET, body);
  if (webhook.verify(body, header).event !== guide(body, SECRET, header).event) throw new Error("disagree");
  const g = measure(() => guide(body, SECRET, header), budget);
  const s = measure(() => webhook.verify(body, header), budget);
  const b = measure(() => webhook.verify(bytes, header), budget);
  rows.push({ size: bytes.length, g, s, b });
}

console.log(`Node ${process.version}, ${quick ? "quick smoke run" : "full run"}: verify + JSON parse, median per call (p10–p90)`);
console.log("| body | guide snippet (node:crypto) | ours, string body | ours, Buffer body | guide / ours (string) |");
console.log("|---:|---:|---:|---:|---:|");
for (const { size, g, s, b } of rows) {
  const range = (m) => `${fmt(m.median)} (${fmt(m.p10)}–${fmt(m.p90)})`;
  console.log(`| ${size} B | ${range(g)} | ${range(s)} | ${range(b)} | ${(g.median / s.median).toFixed(2)}× |`);
}
const sample = rows[0];
const slowdown = sample.s.median / sample.g.median;
if (quick) console.log("\n(smoke run: too short to mean anything; `make bench` measures)");
else console.log(`\nsample body: ours takes ${slowdown.toFixed(2)}× the guide snippet's time (budget ≤ 1.5×): ${slowdown <= 1.5 ? "within" : "OVER"}`);
