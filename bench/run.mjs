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
if (!quick) {
  const size = execFileSync("make", ["--no-print-directory", "-s", "size"], { cwd: ROOT, encoding: "utf8" });
  sections.push(`## Size\n\n\`\`\`\n${size.trim()}\n\`\`\``);
  const pending =
    "Not done yet (issue 5 continues): the optimization work these numbers call for (see the " +
    "OVER lines and the ratios below 1).";
  const doc = `# Benchmarks\n\nWritten by \`make bench\` (\`bench/run.mjs\`) from one run on one machine.\n\n${machine()}\n\n${sections.join("\n\n")}\n\n${pending}\n`;
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), doc);
  fs.writeFileSync(path.join(ROOT, "bench/node-chart.svg"), chart);
  console.log("wrote BENCHMARKS.md");
}
