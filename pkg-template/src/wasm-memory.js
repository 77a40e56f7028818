// Writing a delivery into the verifier's reserved wasm memory, and the verify call on it.
import { bodyTooLargeError } from "./glue.js";
import { fastText, memoryBuffer, memoryView } from "./wasm-instance.js";

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
 */
export function verifyInWasm(verifier, reserved, raw, header, receivedAtMs, maxBodyBytes) {
  const text = typeof raw === "string";
  // A string has at least as many UTF-8 bytes as UTF-16 units: refuse an oversize one unencoded.
  const size = text ? raw.length : raw.byteLength;
  if (size > maxBodyBytes) throw bodyTooLargeError(text ? encoder.encode(raw).byteLength : size, maxBodyBytes);
  const decoder = text ? undefined : fastText();
  // Room for the worst case: 3 UTF-8 bytes per UTF-16 unit; then, for the text wasm writes,
  // 2 bytes per body byte (and 1 to start it at an even offset).
  const bodyRoom = text ? size * 3 : size;
  const headerRoom = header === undefined ? 0 : header.length * 3;
  const room = bodyRoom + headerRoom + (decoder ? 2 * size + 1 : 0);
  // The reserved room only grows and moves only when it grows: ask wasm only then.
  if (room > reserved.room) {
    reserved.ptr = verifier.reserve(room);
    reserved.room = room;
  }
  // A new room, or one whose view wasm memory's growth detached (byteLength 0): view it again.
  if (reserved.view.byteLength !== reserved.room) reserved.view = memoryView(reserved.ptr, reserved.room);
  const memory = reserved.view;
  let bodyLen = size;
  if (text) bodyLen = encoder.encodeInto(raw, memory).written;
  else memory.set(raw);
  const headerLen = header === undefined ? undefined : writeHeader(header, memory, bodyLen);
  const textAt = decoder ? (bodyLen + (headerLen ?? 0) + 1) & ~1 : undefined;
  const units = verifier.verifyReserved(bodyLen, headerLen, receivedAtMs, textAt);
  if (units === FAILED) throw verifier.takeError() ?? new Error("atlasbrokers-webhooks: a failed verify lost its error (a bug: please report it)");
  if (text) return raw;
  if (!decoder) return utf8.decode(raw);
  // 0: all ASCII, so each byte is one character (read from wasm's copy: a Node Buffer view of
  // the caller's bytes would cost more than the decoding). The memory is read after the call,
  // which may have grown it.
  const start = reserved.ptr + (units === 0 ? 0 : textAt);
  const end = start + (units === 0 ? bodyLen : units * 2);
  return units === 0 ? decoder.latin1(memoryBuffer(), start, end) : decoder.utf16le(memoryBuffer(), start, end);
}
