// An Express app that receives AtlasBrokers webhooks.
//   ATLAS_WEBHOOK_SECRET=... node server.mjs     (PORT, default 3000)
// Then point AtlasBrokers (Settings > Webhooks) at https://your-host/webhooks/atlasbrokers.
import express from "express";
import { Webhook, createNodeMiddleware } from "atlasbrokers-webhooks";

const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET, {
  // During a rotation: ATLAS_WEBHOOK_SECRET_PREVIOUS=old1,old2
  previousSecrets: (process.env.ATLAS_WEBHOOK_SECRET_PREVIOUS ?? "").split(",").filter(Boolean),
});

// AtlasBrokers never retries by itself, but Replay re-sends: process each delivery once.
// (A Set for the example; use your database, keyed on idempotencyKey, in production.)
const processed = new Set();
const once = (handler) => (event) => {
  if (processed.has(event.idempotencyKey)) return console.log(`duplicate ${event.event} ${event.data.id} ignored`);
  processed.add(event.idempotencyKey);
  return handler(event);
};

// Log ids, never payloads: leads and contacts carry personal information.
webhook.on("lead.created", once((e) => console.log(`new lead ${e.data.id} (${e.data.province ?? "?"}, ${e.data.source ?? "?"})`)));
webhook.on("deal.won", once((e) => console.log(`deal won ${e.data.id}: ${e.data.value} ${e.data.currency}`)));
webhook.on(["invoice.*", "policy.*", "claim.*"], once((e) => console.log(`${e.event} ${e.data.id}`)));
webhook.onError((error) => console.error(`webhook error ${error.code}`));

const app = express();
// Mount the webhook route before any body parser: it needs the raw bytes.
app.use(createNodeMiddleware(webhook, { path: "/webhooks/atlasbrokers" }));
app.use(express.json()); // the rest of the app can parse JSON as usual
app.get("/healthz", (_req, res) => res.json({ ok: true }));

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/atlasbrokers`);
});
