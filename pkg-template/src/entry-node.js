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
  // The digest as a 32-character latin1 string, written into wasm memory four bytes a store
  // (half the time of a byte loop): a Buffer digest costs an allocation that, for a body of a
  // few hundred bytes, takes longer than hashing it.
  into(bytes, arrayBuffer, offset) {
    if (target?.buffer !== arrayBuffer) target = new DataView(arrayBuffer);
    const b = digest(bytes, "latin1");
    for (let i = 0; i < 32; i += 4) {
      target.setUint32(offset + i, (b.charCodeAt(i) << 24) | (b.charCodeAt(i + 1) << 16) | (b.charCodeAt(i + 2) << 8) | b.charCodeAt(i + 3));
    }
  },
  hex: (body) => digest(body, "hex"),
};

// V8's UTF-8 conversions are slow on non-ASCII text: TextDecoder and Buffer#toString take
// ~2 ns a byte (Node 20), and TextEncoder.encodeInto ~1 ns a character as soon as a string
// holds one (an accented name), where copying UTF-16 units in or out of a string is a memcpy.
// Strings are read from and written to wasm memory as UTF-16 (or as ASCII or Latin-1 bytes)
// through one Buffer over it (Buffer.from(arrayBuffer, ...) per call costs microseconds); wasm converts.
// Buffer is a global in Node and Bun; elsewhere TextDecoder and encodeInto do it.
const { Buffer } = globalThis;
let memoryBuffer;
const over = (arrayBuffer) =>
  memoryBuffer?.buffer === arrayBuffer ? memoryBuffer : (memoryBuffer = Buffer.from(arrayBuffer));
const text = Buffer && {
  latin1: (arrayBuffer, start, end) => over(arrayBuffer).toString("latin1", start, end),
  utf16le: (arrayBuffer, start, end) => over(arrayBuffer).toString("utf16le", start, end),
  // Buffer's own writers (Node, Bun), without write()'s argument parsing: a tenth of a small
  // body's copy. Where one is missing, the check at instantiation leaves encodeInto in place.
  writeUtf16le: (string, arrayBuffer, offset) => over(arrayBuffer).ucs2Write(string, offset),
  writeLatin1: (string, arrayBuffer, offset) => over(arrayBuffer).latin1Write(string, offset),
};

instantiate(new WebAssembly.Module(moduleFileBytes), sha256, text);

export * from "./index.js";
