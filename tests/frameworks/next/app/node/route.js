// The README's "### Next.js App Router" route, on the default Node.js runtime.
import { Webhook } from "atlasbrokers-webhooks";
import { recordWin, recordedWins } from "../../lib/wins.js";

const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET).on("deal.won", recordWin);
export const POST = (request) => webhook.handle(request);

// Test only: what recordWin saw.
export const PUT = recordedWins;
