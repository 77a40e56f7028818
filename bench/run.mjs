// `make bench`: runs the suites side by side on this machine and writes BENCHMARKS.md (ratios
// against peers measured in the same run; absolute times on a shared machine are noise).
//   node bench/run.mjs            full run, writes BENCHMARKS.md
//   node bench/run.mjs --quick    smoke run (tiny iteration counts), writes nothing
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as node from "./node.mjs";
import * as edge from "./edge-load.mjs";
import * as native from "./native.mjs";
import * as browser from "./browser.mjs";
import { nodeChart } from "./chart.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");

function machine() {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = cpuinfo.match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const shaNi = /\bsha_ni\b/.test(cpuinfo);
  // Some tools (wrk) print their version and exit non-zero.
  const version = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n")[0].trim() || "not found";
  };
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  return [
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${model}, ${os.cpus().length} cores, SHA-NI: ${shaNi ? "yes" : "no"}`,
    `- ${version("rustc", ["--version"])}; Node ${process.version}; ${version("wrk", ["--version"]).split(" [")[0]}`,
    `- Peers: stripe ${pkg("stripe")}, @octokit/webhooks-methods ${pkg("@octokit/webhooks-methods")}, standardwebhooks ${pkg("standardwebhooks")}, svix ${pkg("svix")}; wrangler ${pkg("wrangler")}`,
  ].join("\n");
}

const sections = [];
let chart = null;
for (const suite of [node, browser, native, edge]) {
  const result = await suite.run({ quick });
  let markdown = result.markdown;
  if (suite === node) {
    chart = nodeChart(result.results, result.sizes, "ours (string body)");
    markdown = `![Node: time relative to ours](bench/node-chart.svg)\n\n${markdown}`;
  }
  sections.push(`## ${result.title}\n\n${markdown}`);
  console.log(`## ${result.title}\n\n${result.markdown}`);
  if (result.failed) process.exitCode = 1;
}
// Sizes (the smoke run builds them too, so the harness cannot rot), with the issue's budgets.
// The quick run (inside make test) takes the numbers only, without installing twiggy.
const sizeTarget = quick ? "sizes" : "size";
const size = execFileSync("make", ["--no-print-directory", "-s", sizeTarget], { cwd: ROOT, encoding: "utf8" });
const gzipOf = (label) => Number(size.match(new RegExp(`${label}[^\\n]*?(\\d+) bytes gzip`))?.[1]);
const sizeVerdicts = [
  [gzipOf("npm \\.wasm") <= 40 * 1024, `npm .wasm ≤ 40 KB gzip (${gzipOf("npm \\.wasm")} B)`],
  [gzipOf("worker upload") <= 300 * 1000, `worker upload ≤ 300 KB gzip (${gzipOf("worker upload")} B)`],
  [gzipOf("operator console") <= 60 * 1000, `operator console ≤ 60 KB gzip (${gzipOf("operator console")} B)`],
];
if (sizeVerdicts.some(([, text]) => text.includes("NaN"))) throw new Error(`make size printed no sizes:\n${size}`);
const sizeMd = `\`\`\`\n${size.trim()}\n\`\`\`\n\n${sizeVerdicts.map(([ok, text]) => `- ${ok ? "within" : "OVER"}: ${text}`).join("\n")}`;
sections.push(`## Size\n\n${sizeMd}`);
console.log(`## Size\n\n${sizeMd}`);

if (!quick) {
  const reading =
    "## Reading the OVER lines\n\n" +
    "Each OVER line is a target this run did not meet. The rows that explain them are in the same run: " +
    "*JSON.parse alone* is the floor for any verify + parse (no verification at all); " +
    "*ours, portable entry* is the HMAC computed in wasm, which has no SHA instructions " +
    "(its time per byte at 128 KB is wasm's SHA-256 speed; the native suite's `verify_signature` " +
    "beside `openssl speed` is the same code with them); the guide snippet is node:crypto's " +
    "HMAC plus JSON.parse, the least work any verifier can do. The closing notes of issue 5 " +
    "discuss each gap with these numbers.";
  const doc = `# Benchmarks\n\nWritten by \`make bench\` (\`bench/run.mjs\`) from one run on one machine.\n\n${machine()}\n\n${sections.join("\n\n")}\n\n${reading}\n`;
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), doc);
  fs.writeFileSync(path.join(ROOT, "bench/node-chart.svg"), chart);
  console.log("wrote BENCHMARKS.md");
}
