// Normalizes what users pass as the raw body. No Node globals here: Buffer is a Uint8Array, so
// it is handled as one.
import { bodyAlreadyParsedError } from "./glue.js";
import { fromCore } from "./errors.js";

/** string | Uint8Array (Buffer) | ArrayBuffer | other ArrayBufferView -> string | Uint8Array. */
export function rawBody(body) {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body !== null && typeof body === "object") {
    // A parsed JSON object (express.json(), a framework's auto-parsing): the bytes are gone.
    throw fromCore(bodyAlreadyParsedError());
  }
  throw new TypeError(
    `rawBody must be the request body as a string, Uint8Array, ArrayBuffer or Buffer, got ${body === null ? "null" : typeof body}`,
  );
}
