// h3 2 (the server engine of Nuxt and Nitro) with the README's lines: `event.req` is the Fetch
// Request, so `app.all(path, (event) => webhook.handle(event.req))` on an H3 app, and the same
// call in a Nuxt-style `defineHandler` file route, served on Node by h3's own `serve` (srvx).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { H3, defineHandler, readBody, serve } from "h3";
import { ROOT, freePort } from "../js/helpers.mjs";
import { receiver, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";

const LINES = [
  'app.all("/webhooks/atlasbrokers", (event) => webhook.handle(event.req));',
  "export default defineHandler((event) => webhook.handle(event.req));",
];
// What the message of body_already_parsed tells a Fetch-handler user to do.
const FIX = /webhook\.handle\(request\) before request\.json\(\)/;

test("the README's h3 lines are the ones this app runs", () => {
  const readme = fs.readFileSync(path.join(ROOT, "pkg-template", "README.md"), "utf8");
  const start = readme.indexOf("\n### Nuxt / h3");
  assert.ok(start >= 0, 'README has a "### Nuxt / h3" section');
  const section = readme.slice(start, readme.indexOf("\n##", start + 1));
  const source = fs.readFileSync(fileURLToPath(import.meta.url), "utf8");
  assert.ok(section.includes(LINES[0]) && source.includes(`\n  ${LINES[0]}\n`), LINES[0]);
  // The file route's handler, as this app mounts it.
  assert.ok(section.includes(LINES[1]), LINES[1]);
  assert.ok(source.includes('app.all("/nuxt/webhooks/atlasbrokers", defineHandler((event) => webhook.handle(event.req)));'));
});

test("h3 2 on Node: signed 200 to a typed handler, tampered 401, parsed-first body_already_parsed, GET 405", async () => {
  const { webhook, seen } = receiver();
  const app = new H3();
  app.all("/webhooks/atlasbrokers", (event) => webhook.handle(event.req));
  // Nuxt's server/routes/webhooks/atlasbrokers.js, mounted by hand.
  app.all("/nuxt/webhooks/atlasbrokers", defineHandler((event) => webhook.handle(event.req)));
  // Routes where h3's body readers ran first.
  app.post("/webhooks/read-body-first", async (event) => {
    await readBody(event);
    return webhook.handle(event.req);
  });
  app.post("/webhooks/json-first", async (event) => {
    await event.req.json();
    return webhook.handle(event.req);
  });
  app.get("/", () => "other routes still answer");

  const server = serve(app, { port: await freePort(), hostname: "127.0.0.1", silent: true });
  await server.ready();
  const base = server.url.replace(/\/$/, "");
  try {
    await assertDeliveryCases(`${base}/webhooks/atlasbrokers`, seen);
    await assertDeliveryCases(`${base}/nuxt/webhooks/atlasbrokers`, seen);
    // srvx's Node request reports bodyUsed once h3 read it: handle() says so, not a mismatch.
    await assertAlreadyParsed(`${base}/webhooks/read-body-first`, seen, FIX);
    await assertAlreadyParsed(`${base}/webhooks/json-first`, seen, FIX);
    const other = await fetch(`${base}/`);
    assert.deepEqual([other.status, await other.text()], [200, "other routes still answer"]);
  } finally {
    await server.close(true);
  }
});
