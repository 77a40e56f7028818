// The README's "### Next.js App Router" route on the Edge runtime (it resolves the package's
// edge-light entry), where compiling WebAssembly from bytes is refused as on Vercel.
import "../../lib/refuse-wasm-from-bytes.js";
import { Webhook } from "atlasbrokers-webhooks";
import { recordWin, recordedWins } from "../../lib/wins.js";

export const runtime = "edge";
const webhook = new Webhook(process.env.ATLAS_WEBHOOK_SECRET).on("deal.won", recordWin);
export const POST = (request) => webhook.handle(request);

// Test only: what recordWin saw.
export const PUT = recordedWins;
