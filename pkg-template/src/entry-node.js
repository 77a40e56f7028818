// Node, Deno and Bun (the "node" export condition): as entry-inline.js, plus node:crypto's
// SHA-256 for the HMAC. It uses the CPU's SHA instructions, which wasm lacks, so a 2 KB body
// hashes several times faster; wasm still parses the header, compares in constant time and
// checks the envelope. crypto.hash (Node >= 20.12) is one call without an object.
import * as crypto from "node:crypto";
import { instantiate } from "./wasm-instance.js";
import { moduleFileBytes } from "./wasm-inline.js";

const sha256 =
  typeof crypto.hash === "function"
    ? (bytes) => crypto.hash("sha256", bytes, "buffer")
    : (bytes) => crypto.createHash("sha256").update(bytes).digest();

instantiate(new WebAssembly.Module(moduleFileBytes), sha256);

export * from "./index.js";
