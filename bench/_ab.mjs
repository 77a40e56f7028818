import crypto from "node:crypto";
import { measure } from "./measure.mjs";
import { bodyOfSize } from "./node.mjs";
const SECRET = "whsec_bench_secret_value_0123456789";
const entries = process.argv.slice(2);
const libs = await Promise.all(entries.map((d) => import(d)));
for (const size of (process.env.SIZES ?? "250,2048,16384,131072").split(",").map(Number)) {
  const body = bodyOfSize(size);
  const buf = Buffer.from(body);
  const header = libs[0].sign(SECRET, body);
  const rows = { guide: () => { const e = crypto.createHmac("sha256", SECRET).update(body).digest("hex"); if (!crypto.timingSafeEqual(Buffer.from(e, "hex"), Buffer.from(header, "hex"))) throw 1; return JSON.parse(body); } };
  libs.forEach((l, i) => { const w = new l.Webhook(SECRET); rows[`str${i}`] = () => w.verify(body, header); rows[`buf${i}`] = () => w.verify(buf, header); });
  const best = {};
  for (let r = 0; r < 4; r++) for (const [k, f] of Object.entries(rows)) best[k] = Math.min(best[k] ?? Infinity, (await measure(f, size > 20000 ? 300 : 150, false)).median);
  console.log(size, Object.entries(best).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join("  "));
}
