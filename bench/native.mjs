// Native suite: criterion benchmarks of the core (bench/core.rs) and, in the same run, the
// machine's SHA-256 limit from `openssl speed -evp sha256`. Reports time per call and
// throughput, and ours / openssl at 16 KB and above (target ≥ 80 %).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = [250, 2048, 16384, 131072];
const FUNCTIONS = ["sign", "verify_signature", "verify_summary", "verify_event"];

/** openssl's SHA-256 throughput in bytes/s for one block size. */
function openssl(bytes) {
  const out = execFileSync("openssl", ["speed", "-evp", "sha256", "-seconds", "1", "-bytes", String(bytes)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const row = out.split("\n").find((l) => /^sha256\s/i.test(l));
  return Number(row.trim().split(/\s+/).at(-1).replace("k", "")) * 1000;
}

export async function run({ quick = false } = {}) {
  const args = quick ? ["--quick"] : ["--warm-up-time", "1", "--measurement-time", "3"];
  execFileSync("cargo", ["bench", "--quiet", "--bench", "core", "--", ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const estimate = (fn, size) => {
    const file = path.join(ROOT, "target/criterion/core", fn, String(size), "new/estimates.json");
    return JSON.parse(fs.readFileSync(file, "utf8")).median.point_estimate; // ns
  };
  const limits = Object.fromEntries([16384, 131072].map((b) => [b, openssl(b)]));
  const gbps = (bytesPerSec) => `${(bytesPerSec / 1e9).toFixed(2)} GB/s`;
  let md = `Criterion medians (\`bench/core.rs\`), time per call and throughput; SHA-256 limit of this machine from \`openssl speed -evp sha256\` in the same run: ${Object.entries(limits).map(([b, v]) => `${b} B: ${gbps(v)}`).join(", ")}.\n\n`;
  md += `| function | ${SIZES.map((s) => `~${s} B`).join(" | ")} |\n|---|${SIZES.map(() => "---:").join("|")}|\n`;
  const throughput = {};
  for (const fn of FUNCTIONS) {
    const cells = SIZES.map((size) => {
      const ns = estimate(fn, size);
      const benchmark = JSON.parse(fs.readFileSync(path.join(ROOT, "target/criterion/core", fn, String(size), "new/benchmark.json"), "utf8"));
      const bytes = benchmark.throughput?.Bytes ?? size;
      const perSec = bytes / (ns / 1e9);
      (throughput[fn] ??= {})[size] = perSec;
      return `${ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`} (${gbps(perSec)})`;
    });
    md += `| ${fn} | ${cells.join(" | ")} |\n`;
  }
  md += `\nverify_signature / openssl: ${[16384, 131072].map((b) => `${b} B **${((100 * throughput.verify_signature[b]) / limits[b]).toFixed(0)} %**`).join(", ")} (target ≥ 80 %).\n`;
  return { title: "Native core", markdown: md };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await run({ quick: process.argv.includes("--quick") })).markdown);
}
