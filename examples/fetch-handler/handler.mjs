// A Fetch-API receiver: `Request` in, `Response` out. Use it as
//   - a Next.js route handler (app/webhooks/atlasbrokers/route.js):
//       export const POST = createHandler(process.env.ATLAS_WEBHOOK_SECRET);
//   - a Hono route:  app.post("/webhooks/atlasbrokers", (c) => handler(c.req.raw));
//   - a Deno or Bun server: see server.mjs.
import { Webhook } from "atlasbrokers-webhooks";

export function createHandler(secret, log = console.log) {
  const webhook = new Webhook(secret)
    .on("lead.created", (e) => log(`new lead ${e.data.id}`))
    .on("deal.*", (e) => log(`${e.event} ${e.data.id} ${e.data.value ?? ""}`.trim()))
    .onAny((e) => log(`received ${e.event} key=${e.idempotencyKey}`))
    .onError((error) => log(`rejected ${error.code}`));
  // handle() reads the raw body itself (with the size limit), verifies, runs the handlers,
  // and answers 200, or the error's status with { error, message }.
  return (request) => webhook.handle(request);
}
