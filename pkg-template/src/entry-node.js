// Node, Deno and Bun (the "node" export condition): as entry-inline.js, plus node:crypto's
// SHA-256 for the HMAC. It uses the CPU's SHA instructions, which wasm lacks, so a body
// hashes several times faster; wasm still parses the header, compares in constant time and
// checks the envelope. crypto.hash (Node >= 20.12) is one call without an object.
import * as crypto from "node:crypto";
import { instantiate } from "./wasm-instance.js";
import { moduleFileBytes } from "./wasm-inline.js";

const digest =
  typeof crypto.hash === "function"
    ? (input, encoding) => crypto.hash("sha256", input, encoding)
    : (input, encoding) => crypto.createHash("sha256").update(input).digest(encoding);

// A view of wasm memory, made again when the memory grows (its old ArrayBuffer is then
// detached).
let target;

const sha256 = {
  // The digest as a 32-character latin1 string, written into wasm memory: a Buffer digest
  // costs an allocation that, for a body of a few hundred bytes, takes longer than hashing it.
  into(bytes, arrayBuffer, offset) {
    if (target?.buffer !== arrayBuffer) target = new Uint8Array(arrayBuffer);
    const binary = digest(bytes, "latin1");
    for (let i = 0; i < 32; i++) target[offset + i] = binary.charCodeAt(i);
  },
  hex: (body) => digest(body, "hex"),
};

// Node 20's UTF-8 decoding (TextDecoder, Buffer#toString) takes ~2 ns a byte on non-ASCII
// text; a string from UTF-16 units, or from ASCII bytes, is a copy. Both read wasm memory
// through one Buffer over it (Buffer.from(arrayBuffer, ...) per call costs microseconds).
// Buffer is a global in Node and Bun; elsewhere TextDecoder does it.
const { Buffer } = globalThis;
let memoryBuffer;
const over = (arrayBuffer) =>
  memoryBuffer?.buffer === arrayBuffer ? memoryBuffer : (memoryBuffer = Buffer.from(arrayBuffer));
const text = Buffer && {
  latin1: (arrayBuffer, start, end) => over(arrayBuffer).toString("latin1", start, end),
  utf16le: (arrayBuffer, start, end) => over(arrayBuffer).toString("utf16le", start, end),
};

instantiate(new WebAssembly.Module(moduleFileBytes), sha256, text);

export * from "./index.js";
