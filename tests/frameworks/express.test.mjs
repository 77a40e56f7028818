// createNodeMiddleware in real Express 4 and Express 5 apps: mounted before express.json(), on a
// route after express.raw(), after express.json() with its verify hook keeping req.rawBody, and
// after plain express.json() (body_already_parsed).
import test from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import express4 from "express4";
import express5 from "express";
import { createNodeMiddleware } from "atlasbrokers-webhooks";
import { WON, receiver, listen, post, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";

for (const [major, express] of [["Express 4", express4], ["Express 5", express5]]) {
  test(`${major}: the middleware with each body parser arrangement`, async (t) => {
    const { webhook, seen } = receiver();
    const app = express();
    // Before any parser: the middleware reads the stream.
    app.use(createNodeMiddleware(webhook, { path: "/webhooks/atlasbrokers" }));
    // On a route after express.raw(): req.body is the Buffer.
    app.use("/raw/hook", express.raw({ type: "application/json" }), createNodeMiddleware(webhook, { path: "/raw/hook" }));
    // After express.json() whose verify hook keeps the bytes: req.rawBody wins over req.body.
    const keepRaw = express.json({ verify: (req, res, bytes) => (req.rawBody = bytes) });
    app.post("/kept/hook", keepRaw, createNodeMiddleware(webhook, { path: "/kept/hook" }));
    // After plain express.json(): the bytes are gone.
    app.post("/parsed/hook", express.json(), createNodeMiddleware(webhook, { path: "/parsed/hook" }));
    app.use(express.json());
    app.post("/api/echo", (req, res) => res.json({ echoed: req.body }));
    const server = await listen(http.createServer(app));
    try {
      await t.test("mounted before express.json()", () => assertDeliveryCases(server.url + "/webhooks/atlasbrokers", seen));
      await t.test("query strings are ignored", async () => {
        assert.equal((await post(server.url + "/webhooks/atlasbrokers?source=atlas", WON)).status, 200);
      });
      await t.test("on a route after express.raw()", () => assertDeliveryCases(server.url + "/raw/hook", seen));
      await t.test("after express.json({ verify }) keeping req.rawBody", async () => {
        const ok = await post(server.url + "/kept/hook", WON);
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
      });
      await t.test("after express.json(): body_already_parsed naming express.raw", () =>
        assertAlreadyParsed(server.url + "/parsed/hook", seen, /express\.raw\(\{ type: "application\/json" \}\)/),
      );
      await t.test("other routes keep their JSON parsing", async () => {
        const echo = await post(server.url + "/api/echo", '{"a":1}');
        assert.deepEqual([echo.status, echo.body], [200, { echoed: { a: 1 } }]);
      });
    } finally {
      await server.close();
    }
  });
}
