// Vercel's Edge runtime and Next.js edge routes (the "edge-light" export condition): like
// workerd, they refuse to compile WebAssembly from bytes, so the .wasm is imported as a module;
// `?module` is how their bundlers (Next.js's Turbopack and webpack, Vercel's) hand over a
// compiled WebAssembly.Module rather than an instance.
import { instantiate } from "./wasm-instance.js";
import wasm from "./atlasbrokers_webhooks_bg.wasm?module";

// Next's local edge sandbox (`next start`, `next build`) compiles the module in Node's own realm,
// so it is not `instanceof` the sandbox's WebAssembly.Module, and wasm-bindgen's initSync would
// then try to compile it as bytes, which fails. It is a real module: give it this realm's prototype.
const isForeignModule =
  !(wasm instanceof WebAssembly.Module) && Object.prototype.toString.call(wasm) === "[object WebAssembly.Module]";
instantiate(isForeignModule ? Object.setPrototypeOf(wasm, WebAssembly.Module.prototype) : wasm);

export * from "./index.js";
