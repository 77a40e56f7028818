// Vercel's Edge runtime refuses to compile WebAssembly from bytes; Next's local edge sandbox
// allows it. Imported first by the edge routes, this makes the sandbox refuse it too, so the test
// shows the edge route never needs it and the portable entry (which compiles its inlined bytes)
// would fail there. Compiled modules (what `?module` imports give) still instantiate.
const refuse = () => {
  throw new WebAssembly.CompileError("Wasm code generation disallowed by embedder (as on Vercel's Edge runtime)");
};
const { Module } = WebAssembly;
WebAssembly.Module = new Proxy(Module, { construct: refuse });
WebAssembly.compile = refuse;
const { instantiate } = WebAssembly;
WebAssembly.instantiate = (source, imports) =>
  source instanceof Module ? instantiate(source, imports) : refuse();
