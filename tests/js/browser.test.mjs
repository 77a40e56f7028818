// The browser example (examples/browser) in headless Chromium: paste a signed sample, verify,
// read what the page shows; then a tampered body. Driven by playwright-core with Debian's
// chromium as the executable (no browser download).
import { createHash } from "node:crypto";
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { chromium } from "playwright-core";
import { sign, sampleBody } from "atlasbrokers-webhooks";
import { ROOT, freePort, start, waitForHttp } from "./helpers.mjs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

test("the inspector verifies a pasted delivery and shows the typed event", async () => {
  const port = await freePort();
  const server = start("node", [path.join(ROOT, "examples/browser/serve.mjs")], { env: { ...process.env, PORT: String(port) } });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(url, 10_000, server);
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);

    const secret = "whsec_browser_test";
    const body = sampleBody("deal.won");
    await page.fill("#secret", secret);
    await page.fill("#signature", sign(secret, body));
    await page.fill("#body", body);
    await page.click("button[type=submit]");
    await page.waitForSelector("#status");
    assert.equal(await page.getAttribute("#status", "data-status"), "verified");
    assert.equal(await page.textContent("#status"), "✓ deal.won");
    const id = createHash("sha256").update(sampleBody("deal.won")).digest("hex");
    assert.equal(await page.textContent("#key"), `Idempotency key: ${id}`);
    const rows = await page.$$eval("#fields tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(rows.find((r) => r[0] === "value"), ["value", "2400", "number, required"]);
    assert.deepEqual(rows.find((r) => r[0] === "title"), ["title", '"Home Insurance Policy — Mitchell"', "string, required"]);

    await page.fill("#body", body.replace("2400", "24000"));
    await page.click("button[type=submit]");
    await page.waitForSelector("#status[data-status=rejected]");
    assert.equal(await page.textContent("#status"), "✗ signature_mismatch (401)");

    // The page's own sample button signs in the browser; the result must verify too.
    await page.selectOption("#sample", "lead.created");
    await page.click("#fill");
    await page.click("button[type=submit]");
    await page.waitForSelector("#status[data-status=verified]");
    assert.equal(await page.textContent("#status"), "✓ lead.created");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
  }
});
