// Node (CJS and ESM), Deno, Bun, browsers and bundlers: the .wasm is inlined (esbuild's binary
// loader) and compiled synchronously, so importing the package is all the set-up there is.
// The module is small enough for synchronous compilation on a browser's main thread.
import { instantiate } from "./wasm-instance.js";
import { moduleFileBytes } from "./wasm-inline.js";

instantiate(new WebAssembly.Module(moduleFileBytes));

export * from "./index.js";
