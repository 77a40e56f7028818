// Writing a delivery into the verifier's reserved wasm memory, and the verify call on it.
import { bodyTooLargeError } from "./glue.js";
import { memoryView } from "./wasm-instance.js";

const encoder = new TextEncoder();

/** A verifier's reserved room: none until the first delivery, then grown to the largest. */
export function reservedRoom() {
  return { ptr: 0, room: 0 };
}

/**
 * Writes body and header straight into the verifier's reserved wasm memory (one copy, no
 * allocation) and verifies them there; throws the core's error. `receivedAtMs` undefined: the
 * core reads the clock itself, and only when a tolerance is set.
 */
export function verifyInWasm(verifier, reserved, raw, header, receivedAtMs, maxBodyBytes) {
  const text = typeof raw === "string";
  // A string has at least as many UTF-8 bytes as UTF-16 units: refuse an oversize one unencoded.
  const size = text ? raw.length : raw.byteLength;
  if (size > maxBodyBytes) throw bodyTooLargeError(text ? encoder.encode(raw).byteLength : size, maxBodyBytes);
  // Room for the worst case: 3 UTF-8 bytes per UTF-16 unit.
  const bodyRoom = text ? size * 3 : size;
  const room = bodyRoom + (header === undefined ? 0 : header.length * 3);
  // The reserved room only grows and moves only when it grows: ask wasm only then.
  if (room > reserved.room) {
    reserved.ptr = verifier.reserve(room);
    reserved.room = room;
  }
  const memory = memoryView(reserved.ptr, room);
  let bodyLen = size;
  if (text) bodyLen = encoder.encodeInto(raw, memory).written;
  else memory.set(raw);
  const headerLen = header === undefined ? undefined : encoder.encodeInto(header, memory.subarray(bodyLen)).written;
  return verifier.verifyReserved(bodyLen, headerLen, receivedAtMs);
}
