// The instantiated WebAssembly module. Entries (entry-*.js) differ only in how they obtain the
// compiled module and whether the platform lends a faster SHA-256; the wrapper also needs the
// instance's memory to write bodies into it (wasm-memory.js).
import { deliveryIdBytes, deliveryIdText, initSync } from "./glue.js";

let memory;
// The platform's SHA-256 as given (see instantiate), and wrapped in the shape the core calls.
let platform;
let sha256ForCore;
let decoders;
let writers;

/**
 * Instantiates the compiled module. `sha256`, when given and correct, computes the HMAC's
 * hashes in place of wasm's; the core still decides everything else. Its shape:
 * `into(bytes, arrayBuffer, offset)` writes the 32-byte digest of `bytes` into `arrayBuffer`
 * at `offset` (straight into wasm memory: no digest object per call), and `hex(body)` is the
 * lowercase hex digest of a string (as UTF-8) or bytes.
 *
 * `text`, when given, converts text faster than TextDecoder and encodeInto where those are
 * slow on non-ASCII text (V8). It decodes verified byte bodies from bytes `start` to `end` of
 * an ArrayBuffer (wasm memory): `latin1` (used for all-ASCII bytes) and `utf16le` (used on
 * wasm's UTF-16 copy of others); and it copies a string body into wasm memory for wasm to
 * make its UTF-8: `writeUtf16le(string, arrayBuffer, offset)` as its units, and
 * `writeLatin1(…)` one byte a character (for strings with none above U+00FF), each returning
 * the bytes written. Each part is checked once and used only if right.
 */
export function instantiate(module, sha256, text) {
  memory = initSync({ module }).memory;
  platform = sha256 && knownAnswer(sha256) ? sha256 : undefined;
  decoders = text && decodesAbc(text) ? text : undefined;
  writers = text && writesAbc(text) ? text : undefined;
  sha256ForCore = platform && {
    digest(ptr, len, out) {
      platform.into(memoryView(ptr, len), memory.buffer, out);
    },
  };
}

/**
 * The delivery id of a raw body (string or bytes): the core's definition, lowercase hex
 * SHA-256 of the exact bytes, with the platform's hash where it lends one.
 */
export function deliveryIdOf(raw) {
  if (platform) return platform.hex(raw);
  return typeof raw === "string" ? deliveryIdText(raw) : deliveryIdBytes(raw);
}

/** The platform's text decoders (see instantiate), or undefined. */
export function fastText() {
  return decoders;
}

/** The platform's writers of a string's UTF-16 units and Latin-1 bytes (see instantiate), or undefined. */
export function fastTextWriter() {
  return writers;
}

/** The platform's SHA-256 in the shape the core calls (`Verifier.usePlatformSha256`), or undefined. */
export function platformSha256() {
  return sha256ForCore;
}

/** Wasm memory's current ArrayBuffer (a new one after the memory grows). */
export function memoryBuffer() {
  return memory.buffer;
}

/** A view of `len` bytes of wasm memory at `ptr` (made after any call that may grow it). */
export function memoryView(ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

function decodesAbc(text) {
  try {
    const bytes = new Uint8Array([0, 97, 98, 99, 0, 97, 0, 0xe9, 0, 0x3c, 0xd8, 0xe0, 0xdf, 0]);
    return text.latin1(bytes.buffer, 1, 4) === "abc" && text.utf16le(bytes.buffer, 5, 13) === "a\u00e9\u{1f3e0}";
  } catch {
    return false;
  }
}

// Lone surrogates must arrive as they are (wasm writes U+FFFD for them, as encodeInto does).
function writesAbc(text) {
  try {
    const wide = new ArrayBuffer(16);
    const units = text.writeUtf16le("a\u00e9\u{1f3e0}\ud83c", wide, 2);
    const expected = [0, 0, 0x61, 0, 0xe9, 0, 0x3c, 0xd8, 0xe0, 0xdf, 0x3c, 0xd8, 0, 0, 0, 0];
    const narrow = new ArrayBuffer(6);
    const bytes = text.writeLatin1("a\u00e9\u00ff\u0080", narrow, 1);
    return units === 10 && new Uint8Array(wide).every((b, i) => b === expected[i]) &&
      bytes === 4 && new Uint8Array(narrow).every((b, i) => b === [0, 0x61, 0xe9, 0xff, 0x80, 0][i]);
  } catch {
    return false;
  }
}

// A runtime's compatibility layer that hashes wrongly must not make every delivery fail:
// check SHA-256("abc") once, each way it is used, and keep wasm's hash otherwise.
function knownAnswer(sha256) {
  const expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  try {
    const abc = new TextEncoder().encode("abc");
    const target = new ArrayBuffer(64);
    sha256.into(abc, target, 16);
    const written = Array.from(new Uint8Array(target, 16, 32), (b) => b.toString(16).padStart(2, "0")).join("");
    const around = new Uint8Array(target, 0, 16).every((b) => b === 0) && new Uint8Array(target, 48).every((b) => b === 0);
    return written === expected && around && sha256.hex(abc) === expected && sha256.hex("abc") === expected;
  } catch {
    return false;
  }
}
