// The pitfall: the body is parsed before handle() sees it; handle() answers body_already_parsed.
import { Webhook } from "atlasbrokers-webhooks";

const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET);
export async function POST(request) {
  await request.json();
  return webhook.handle(request);
}
