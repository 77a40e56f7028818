// The .wasm file inlined as bytes (esbuild's binary loader), in a module of its own so that the
// Node and portable entries share one copy (wasm.mjs / wasm.cjs) instead of carrying one each.
import bytes from "./atlasbrokers_webhooks_bg.wasm";

/** The compiled module's file, to pass to `new WebAssembly.Module`. */
export const moduleFileBytes = bytes;
