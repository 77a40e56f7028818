// createKoaMiddleware in a real Koa 3 app: before any body parser it reads ctx.req; after
// koa-bodyparser (which keeps ctx.request.rawBody) it verifies those bytes; after a parser that
// keeps only the parsed object (koa-body's default) it answers body_already_parsed.
import test from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import Koa from "koa";
import bodyParser from "koa-bodyparser";
import { createKoaMiddleware } from "atlasbrokers-webhooks";
import { receiver, listen, post, assertDeliveryCases, assertAlreadyParsed } from "./node-adapter-cases.mjs";

/** After koa-bodyparser on `path`: only the parsed object is left, as koa-body leaves it. */
function dropRawBody(path) {
  return async (ctx, next) => {
    if (ctx.path === path) delete ctx.request.rawBody;
    await next();
  };
}

test("Koa 3: createKoaMiddleware with and without a body parser first", async (t) => {
  const { webhook, seen } = receiver();
  const app = new Koa();
  app.use(createKoaMiddleware(webhook)); // before the parser: reads ctx.req
  app.use(bodyParser());
  app.use(dropRawBody("/parsed/hook"));
  app.use(createKoaMiddleware(webhook, { path: "/kept/hook" }));
  app.use(createKoaMiddleware(webhook, { path: "/parsed/hook" }));
  app.use(async (ctx) => {
    if (ctx.path === "/api/echo") ctx.body = { echoed: ctx.request.body };
  });
  const server = await listen(http.createServer(app.callback()));
  try {
    await t.test("before any body parser", () => assertDeliveryCases(server.url + "/webhooks/atlasbrokers", seen));
    await t.test("after koa-bodyparser, which keeps ctx.request.rawBody", () => assertDeliveryCases(server.url + "/kept/hook", seen));
    await t.test("after a parser that keeps only the object: body_already_parsed", () =>
      assertAlreadyParsed(server.url + "/parsed/hook", seen, /raw body/),
    );
    await t.test("other paths go to next(): parsed JSON, and Koa's 404", async () => {
      const echo = await post(server.url + "/api/echo", '{"a":1}');
      assert.deepEqual([echo.status, echo.body], [200, { echoed: { a: 1 } }]);
      assert.equal((await fetch(server.url + "/nowhere")).status, 404);
    });
  } finally {
    await server.close();
  }
});
