// Before/after of the npm package in one process: `node bench/ab.mjs <entry A> <entry B> ...`
// (e.g. a saved copy of pkg/node.mjs, then the current one). Verify + parse at each size for
// string and Buffer bodies, beside the guide's snippet; interleaved rounds, best median kept.
// SIZES=250,2048 narrows the sizes. Used for the before/after numbers of optimization work.
import crypto from "node:crypto";
import path from "node:path";
import { measure } from "./measure.mjs";
import { bodyOfSize } from "./node.mjs";

const SECRET = "whsec_bench_secret_value_0123456789";
const entries = process.argv.slice(2).map((e) => path.resolve(e));
if (entries.length === 0) throw new Error("usage: node bench/ab.mjs <entry.mjs> [<entry.mjs> ...]");
const libs = await Promise.all(entries.map((e) => import(e)));
console.log(entries.map((e, i) => `${i}: ${e}`).join("\n"));
for (const size of (process.env.SIZES ?? "250,2048,16384,131072").split(",").map(Number)) {
  const body = bodyOfSize(size);
  const buf = Buffer.from(body);
  const header = libs[0].sign(SECRET, body);
  const rows = {
    guide: () => {
      const expected = crypto.createHmac("sha256", SECRET).update(body).digest("hex");
      if (!crypto.timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(header, "hex"))) throw new Error("bad");
      return JSON.parse(body);
    },
  };
  libs.forEach((lib, i) => {
    const webhook = new lib.Webhook(SECRET);
    rows[`str${i}`] = () => webhook.verify(body, header);
    rows[`buf${i}`] = () => webhook.verify(buf, header);
  });
  const best = {};
  for (let round = 0; round < 4; round++) {
    for (const [name, fn] of Object.entries(rows)) {
      best[name] = Math.min(best[name] ?? Infinity, (await measure(fn, size > 20000 ? 300 : 150, false)).median);
    }
  }
  console.log(`${Buffer.byteLength(body)} B`, Object.entries(best).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} µs`).join("  "));
}
