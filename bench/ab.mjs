// Before/after of the npm package in one process: `node bench/ab.mjs <entry A> <entry B> ...`
// (e.g. a saved copy of pkg/node.mjs, then the current one). Verify + parse at each size for
// string and Buffer bodies, beside the guide's snippet, timed in turn (measure.mjs's
// interleaved(): the snippet's time over each row's, round by round, median and quartiles).
// SIZES=250,2048 narrows the sizes; ROUNDS sets the rounds (200).
import crypto from "node:crypto";
import path from "node:path";
import { interleaved } from "./measure.mjs";
import { bodyOfSize } from "./node.mjs";

const SECRET = "whsec_bench_secret_value_0123456789";
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const entries = process.argv.slice(2).map((e) => path.resolve(e));
if (entries.length === 0) throw new Error("usage: node bench/ab.mjs <entry.mjs> [<entry.mjs> ...]");
const libs = await Promise.all(entries.map((e) => import(e)));
console.log(entries.map((e, i) => `${i}: ${e}`).join("\n"));
console.log("per row: median µs a call, then snippet time / row time (> 1: the row is faster), median (quartiles)");

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
  for (const fn of Object.values(rows)) for (let i = 0; i < 2000; i++) fn(); // warm up
  const result = interleaved(rows, "guide", ROUNDS);
  const shown = Object.entries(result).map(([name, r]) => {
    const against = name === "guide" ? "" : ` ${r.median.toFixed(3)} (${r.q1.toFixed(3)}-${r.q3.toFixed(3)})`;
    return `${name} ${(r.perCall / 1000).toFixed(2)} µs${against}`;
  });
  console.log(`${Buffer.byteLength(body)} B  ${shown.join("  ")}`);
}
