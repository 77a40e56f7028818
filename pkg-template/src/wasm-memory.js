// Writing a delivery into the verifier's reserved wasm memory, and the verify call on it.
import { bodyTooLargeError } from "./glue.js";
import { fastText, fastTextWriter, memoryBuffer, memoryView } from "./wasm-instance.js";

const encoder = new TextEncoder();
// verifyReserved's answer when verification failed (u32::MAX): the error is then taken apart.
const FAILED = 0xffffffff;
const utf8 = new TextDecoder();

/**
 * A verifier's reserved room: none until the first delivery, then grown to the largest; with a
 * view of it kept across calls (made again when wasm memory grows, which detaches it).
 */
export function reservedRoom() {
  return { ptr: 0, room: 0, view: new Uint8Array(0) };
}

// Below this many UTF-16 units, encodeInto costs no more than the copy, the test and wasm's
// conversion (measured in Node 20: 226 B +5 % slower copied, 2 KB of accented text 13 % faster).
const COPY_MIN_UNITS = 512;

// A character a string stored one byte a character cannot hold.
const ABOVE_LATIN1 = /[^\x00-\xff]/;

function takeError(verifier) {
  return verifier.takeError() ?? new Error("atlasbrokers-webhooks: a failed verify lost its error (a bug: please report it)");
}

// The header (64 hex digits) byte by byte: cheaper than a subarray and encodeInto for so few
// characters. Anything not ASCII goes to encodeInto (then the core reports it malformed).
function writeHeader(header, memory, at) {
  const length = header.length;
  for (let i = 0; i < length; i++) {
    const c = header.charCodeAt(i);
    if (c > 0x7f) return encoder.encodeInto(header, memory.subarray(at)).written;
    memory[at + i] = c;
  }
  return length;
}

/**
 * Writes body and header straight into the verifier's reserved wasm memory (one copy, no
 * allocation) and verifies them there; throws the core's error. `receivedAtMs` undefined: the
 * core reads the clock itself, and only when a tolerance is set. Returns the body's text, for
 * JSON.parse: a string body as given; a byte body decoded, by wasm into UTF-16 where the
 * platform lends a fast UTF-16 decoder (Node), else by TextDecoder.
 *
 * A string body's UTF-8 is written by encodeInto, which V8 makes fast on all-ASCII text only
 * (~1 ns a character as soon as one is not ASCII: an accented name). Where the platform lends
 * writers (Node), a string of 512 units or more is copied in instead, one byte a character
 * when none is above U+00FF, else as its UTF-16 units, and wasm makes the UTF-8 (the same
 * bytes).
 */
export function verifyInWasm(verifier, reserved, raw, header, receivedAtMs, maxBodyBytes) {
  const text = typeof raw === "string";
  // A string has at least as many UTF-8 bytes as UTF-16 units: refuse an oversize one unencoded.
  const size = text ? raw.length : raw.byteLength;
  if (size > maxBodyBytes) throw bodyTooLargeError(text ? encoder.encode(raw).byteLength : size, maxBodyBytes);
  const writer = text && size >= COPY_MIN_UNITS ? fastTextWriter() : undefined;
  const decoder = text ? undefined : fastText();
  // Room for the body's UTF-8 (3 bytes a UTF-16 unit at most), the header, and then, from an
  // even offset (+1), the string's copy or the text wasm writes of a byte body (at most 2
  // bytes a unit or byte).
  const bodyRoom = text ? size * 3 : size;
  const headerRoom = header === undefined ? 0 : header.length * 3;
  const room = bodyRoom + headerRoom + (writer || decoder ? 2 * size + 1 : 0);
  // The reserved room only grows and moves only when it grows: ask wasm only then.
  if (room > reserved.room) {
    reserved.ptr = verifier.reserve(room);
    reserved.room = room;
  }
  // A new room, or one whose view wasm memory's growth detached (byteLength 0): view it again.
  if (reserved.view.byteLength !== reserved.room) reserved.view = memoryView(reserved.ptr, reserved.room);
  const memory = reserved.view;
  if (writer) {
    // The header after the body's room; the copy after the header. V8 answers the test at once
    // for a string stored one byte a character (the usual case), else stops at the first
    // character above U+00FF.
    const headerLen = header === undefined ? undefined : writeHeader(header, memory, bodyRoom);
    const inputAt = (bodyRoom + (headerLen ?? 0) + 1) & ~1;
    const wide = ABOVE_LATIN1.test(raw);
    if (wide) writer.writeUtf16le(raw, memory.buffer, memory.byteOffset + inputAt);
    else writer.writeLatin1(raw, memory.buffer, memory.byteOffset + inputAt);
    const written = verifier.verifyReservedText(size, headerLen, receivedAtMs, inputAt, wide);
    if (written === FAILED) throw takeError(verifier);
    return raw;
  }
  let bodyLen = size;
  if (text) bodyLen = encoder.encodeInto(raw, memory).written;
  else memory.set(raw);
  const headerLen = header === undefined ? undefined : writeHeader(header, memory, bodyLen);
  const textAt = decoder ? (bodyLen + (headerLen ?? 0) + 1) & ~1 : undefined;
  const units = verifier.verifyReserved(bodyLen, headerLen, receivedAtMs, textAt);
  if (units === FAILED) throw takeError(verifier);
  if (text) return raw;
  if (!decoder) return utf8.decode(raw);
  // 0: all ASCII, so each byte is one character (read from wasm's copy: a Node Buffer view of
  // the caller's bytes would cost more than the decoding). The memory is read after the call,
  // which may have grown it.
  const start = reserved.ptr + (units === 0 ? 0 : textAt);
  const end = start + (units === 0 ? bodyLen : units * 2);
  return units === 0 ? decoder.latin1(memoryBuffer(), start, end) : decoder.utf16le(memoryBuffer(), start, end);
}
