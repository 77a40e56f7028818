// Cloudflare Workers (workerd): compiling wasm from bytes is forbidden there, so the .wasm is
// imported as a module, which wrangler compiles at upload.
import { instantiate } from "./wasm-instance.js";
import wasm from "./atlasbrokers_webhooks_bg.wasm";

instantiate(wasm);

export * from "./index.js";
