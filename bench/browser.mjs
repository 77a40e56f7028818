// Browser suite: bench/browser/page.js bundled with esbuild and run in headless Chromium
// (Debian's, driven by playwright-core): ours vs WebCrypto vs standardwebhooks.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { SIZES, bodyOfSize } from "./node.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function run({ quick = false } = {}) {
  const bundle = await build({
    entryPoints: [path.join(HERE, "browser/page.js")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    loader: { ".wasm": "binary" },
    logLevel: "error",
  });
  // Served from loopback: WebCrypto needs a secure context, which about:blank is not.
  const script = bundle.outputFiles[0].text;
  const server = http.createServer((req, res) => {
    if (req.url === "/bench.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>bench</title><script src="/bench.js"></script>');
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => typeof window.runBench === "function");
    const bodies = SIZES.map(bodyOfSize);
    const results = await page.evaluate(([b, ms]) => window.runBench(b, ms), [bodies, quick ? 20 : 600]);
    const version = browser.version();
    const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
    let md = `Headless Chromium ${version}, main thread, verify + parse, median per call (p10–p90); ratio: the peer's time / ours.\n\n`;
    md += `| library | ${bodies.map((b) => `${new TextEncoder().encode(b).length} B`).join(" | ")} |\n|---|${bodies.map(() => "---:").join("|")}|\n`;
    for (const [name, rows] of Object.entries(results)) {
      const cells = rows.map((r, i) => {
        const ratio = name === "ours" ? "" : ` **${(r.median / results.ours[i].median).toFixed(2)}×**`;
        return `${fmt(r.median)} (${fmt(r.p10)}–${fmt(r.p90)})${ratio}`;
      });
      md += `| ${name} | ${cells.join(" | ")} |\n`;
    }
    return { title: "Browser", markdown: md };
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await run({ quick: process.argv.includes("--quick") })).markdown);
}
