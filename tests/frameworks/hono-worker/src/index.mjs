// The README's Hono receiver on Cloudflare Workers, as tests/frameworks/hono.test.mjs runs it.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { Webhook } from "atlasbrokers-webhooks";

// What the deal.won handler saw (one isolate under wrangler dev), for the test to read.
const seen = [];

const webhook = new Webhook(env.ATLAS_WEBHOOK_SECRET).on("deal.won", (event) => {
  seen.push({ value: event.data.value, closedAt: typeof event.data.closedAt, key: event.idempotencyKey });
});

const app = new Hono();
app.all("/webhooks/atlasbrokers", (c) => webhook.handle(c.req.raw));

// Hono's JSON reader ran first: the request's bytes are gone.
app.post("/webhooks/parsed-first", async (c) => {
  await c.req.json();
  return webhook.handle(c.req.raw);
});
app.get("/seen", (c) => c.json(seen));
app.get("/", (c) => c.text("other routes still answer"));

export default app;
