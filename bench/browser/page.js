// Bundled by bench/browser.mjs (esbuild) and run in headless Chromium: ours against WebCrypto
// and standardwebhooks on equal bodies, in the page's main thread.
import { Webhook, sign } from "../../pkg/index.mjs";
import { Webhook as StandardWebhook } from "standardwebhooks";

const SECRET = "whsec_bench_secret_value_0123456789";

async function measure(fn, budgetMs, isAsync) {
  const runBatch = isAsync
    ? async (n) => {
        for (let i = 0; i < n; i++) await fn();
      }
    : async (n) => {
        for (let i = 0; i < n; i++) fn();
      };
  let batch = 1;
  const warmEnd = performance.now() + budgetMs / 4;
  while (performance.now() < warmEnd) {
    const t = performance.now();
    await runBatch(batch);
    // Chromium coarsens performance.now(): time batches of at least ~5 ms.
    if (performance.now() - t < 5) batch *= 2;
  }
  const samples = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const t = performance.now();
    await runBatch(batch);
    samples.push(((performance.now() - t) * 1e6) / batch);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

window.runBench = async (bodies, budgetMs) => {
  const encoder = new TextEncoder();
  const ours = new Webhook(SECRET);
  const key = await crypto.subtle.importKey("raw", encoder.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const sw = new StandardWebhook(btoa(SECRET));
  const results = {};
  for (const body of bodies) {
    const header = sign(SECRET, body);
    const bytes = encoder.encode(body);
    const now = new Date();
    const swHeaders = { "webhook-id": "msg_bench", "webhook-timestamp": String(Math.floor(now / 1000)), "webhook-signature": sw.sign("msg_bench", now, body) };
    const hexToBytes = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
    const contenders = {
      ours: [() => ours.verify(body, header), false],
      "WebCrypto subtle.verify (cached key) + JSON.parse": [
        async () => {
          if (!(await crypto.subtle.verify("HMAC", key, hexToBytes(header), bytes))) throw new Error("bad");
          return JSON.parse(body);
        },
        true,
      ],
      "standardwebhooks (bundled)": [() => sw.verify(body, swHeaders), false],
    };
    for (const [name, [fn, isAsync]] of Object.entries(contenders)) {
      await fn();
      (results[name] ??= []).push(await measure(fn, budgetMs, isAsync));
    }
  }
  return results;
};
