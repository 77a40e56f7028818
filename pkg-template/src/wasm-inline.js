// The .wasm inlined as bytes (esbuild's binary loader), in a module of its own so that the
// Node and portable entries share one copy (wasm.mjs / wasm.cjs) instead of carrying one each.
import bytes from "./atlasbrokers_webhooks_bg.wasm";

export const wasmBytes = bytes;
