// The instantiated WebAssembly module. Entries (entry-*.js) differ only in how they obtain the
// compiled module and whether the platform lends a faster SHA-256; the wrapper also needs the
// instance's memory to write bodies into it (wasm-memory.js).
import { deliveryIdBytes, deliveryIdText, initSync } from "./glue.js";

let memory;
// The platform's SHA-256 as given (bytes -> digest), and wrapped in the shape the core calls.
let sha256OfBytes;
let sha256ForCore;

/**
 * Instantiates the compiled module. `sha256` (bytes -> 32-byte digest), when given and correct,
 * computes the HMAC's hashes in place of wasm's; the core still decides everything else.
 */
export function instantiate(module, sha256) {
  memory = initSync({ module }).memory;
  sha256OfBytes = sha256 && knownAnswer(sha256) ? sha256 : undefined;
  sha256ForCore = sha256OfBytes && wrap(sha256OfBytes);
}

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/**
 * The delivery id of a raw body (string or bytes): the core's definition, lowercase hex
 * SHA-256 of the exact bytes, with the platform's hash where it lends one.
 */
export function deliveryIdOf(raw) {
  if (sha256OfBytes) {
    let hex = "";
    for (const b of sha256OfBytes(typeof raw === "string" ? encoder.encode(raw) : raw)) hex += HEX[b];
    return hex;
  }
  return typeof raw === "string" ? deliveryIdText(raw) : deliveryIdBytes(raw);
}

/** The platform's SHA-256 in the shape the core calls (`Verifier.usePlatformSha256`), or undefined. */
export function platformSha256() {
  return sha256ForCore;
}

/** A view of `len` bytes of wasm memory at `ptr` (made after any call that may grow it). */
export function memoryView(ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

function wrap(sha256) {
  return {
    digest(ptr, len, out) {
      memoryView(out, 32).set(sha256(memoryView(ptr, len)));
    },
  };
}

// A runtime's compatibility layer that hashes wrongly must not make every delivery fail:
// check SHA-256("abc") once, and keep wasm's hash otherwise.
function knownAnswer(sha256) {
  const expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  try {
    const digest = sha256(new TextEncoder().encode("abc"));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("") === expected;
  } catch {
    return false;
  }
}
