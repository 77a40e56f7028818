// The pitfall: the body is parsed before handle() sees it; handle() answers body_already_parsed.
import "../../../lib/refuse-wasm-from-bytes.js";
import { Webhook } from "atlasbrokers-webhooks";

export const runtime = "edge";
const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET);
export async function POST(request) {
  await request.json();
  return webhook.handle(request);
}
