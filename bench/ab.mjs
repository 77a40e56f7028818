// Before/after of the npm package in one process: `node bench/ab.mjs <entry A> <entry B> ...`
// (e.g. a saved copy of pkg/node.mjs, then the current one). Verify + parse at each size for
// string and Buffer bodies, beside the guide's snippet. Every row runs a ~2 ms batch in turn
// (the order reversed every round); each round gives each row's time over the snippet's in
// the same round, and the median of those ratios is printed with its quartiles. On a shared
// machine a burst of load slows a whole round alike, so these ratios hold where separately
// measured times drift. SIZES=250,2048 narrows the sizes; ROUNDS sets the rounds (200).
import crypto from "node:crypto";
import path from "node:path";
import { bodyOfSize } from "./node.mjs";

const SECRET = "whsec_bench_secret_value_0123456789";
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const entries = process.argv.slice(2).map((e) => path.resolve(e));
if (entries.length === 0) throw new Error("usage: node bench/ab.mjs <entry.mjs> [<entry.mjs> ...]");
const libs = await Promise.all(entries.map((e) => import(e)));
console.log(entries.map((e, i) => `${i}: ${e}`).join("\n"));
console.log("per row: median µs a call, then snippet time / row time (> 1: the row is faster), median (quartiles)");

const time = (fn, n) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - t;
};
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))];

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
  const names = Object.keys(rows);
  for (const name of names) time(rows[name], 2000); // warm up
  let n = 1;
  while (time(rows.guide, n) < 2) n *= 2;
  const perCall = Object.fromEntries(names.map((name) => [name, []]));
  const ratios = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    const took = {};
    for (const name of order) took[name] = time(rows[name], n);
    for (const name of names) {
      perCall[name].push((took[name] * 1000) / n);
      ratios[name].push(took.guide / took[name]);
    }
  }
  const shown = names.map((name) => {
    const r = ratios[name];
    const against = name === "guide" ? "" : ` ${quantile(r, 0.5).toFixed(3)} (${quantile(r, 0.25).toFixed(3)}-${quantile(r, 0.75).toFixed(3)})`;
    return `${name} ${quantile(perCall[name], 0.5).toFixed(2)} µs${against}`;
  });
  console.log(`${Buffer.byteLength(body)} B  ${shown.join("  ")}`);
}
