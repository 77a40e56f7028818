// Bundled by bench/browser.mjs (esbuild) and run in headless Chromium: ours against WebCrypto
// and standardwebhooks on equal bodies, in the page's main thread.
import { Webhook, sign } from "../../pkg/index.mjs";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { measure } from "../measure.mjs";

const SECRET = "whsec_bench_secret_value_0123456789";

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
      "JSON.parse alone (the floor: no verification at all)": [() => JSON.parse(body), false],
    };
    for (const [name, [fn, isAsync]] of Object.entries(contenders)) {
      await fn();
      // Chromium coarsens performance.now(): batches of at least ~5 ms.
      (results[name] ??= []).push(await measure(fn, budgetMs, isAsync, 5));
    }
  }
  return results;
};
