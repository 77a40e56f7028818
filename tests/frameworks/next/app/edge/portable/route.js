// Why the edge-light entry exists: the portable entry (index.mjs, the .wasm inlined and compiled
// from bytes), imported on purpose by its path, past the package's exports, where compiling from
// bytes is refused as on Vercel's Edge runtime. Importing it fails; this answers how.
import "../../../lib/refuse-wasm-from-bytes.js";

export const runtime = "edge";

export async function GET() {
  try {
    await import("../../../node_modules/atlasbrokers-webhooks/index.mjs");
    return Response.json({ loaded: true });
  } catch (error) {
    return Response.json({ loaded: false, error: `${error?.name}: ${error?.message}` });
  }
}
