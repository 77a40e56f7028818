// Serves handler.mjs at /webhooks/atlasbrokers on 127.0.0.1 under Deno or Bun.
//   deno run --allow-net --allow-env server.mjs      bun server.mjs
// Environment: ATLAS_WEBHOOK_SECRET, PORT (default 8000).
import { createHandler } from "./handler.mjs";

const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const handler = createHandler(env("ATLAS_WEBHOOK_SECRET"));
const port = Number(env("PORT") ?? 8000);

function route(request) {
  const { pathname } = new URL(request.url);
  if (pathname === "/webhooks/atlasbrokers") return handler(request);
  return Response.json({ error: "not_found", message: "POST deliveries to /webhooks/atlasbrokers" }, { status: 404 });
}

if (globalThis.Deno) {
  Deno.serve({ port, hostname: "127.0.0.1", onListen: () => console.log(`listening on ${port}`) }, route);
} else if (globalThis.Bun) {
  Bun.serve({ port, hostname: "127.0.0.1", fetch: route });
  console.log(`listening on ${port}`);
} else {
  throw new Error("run with deno or bun (in Node, use handler.mjs from your framework)");
}
