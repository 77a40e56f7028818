// Normalizes what users pass as the raw body and the signature header. No Node globals here:
// Buffer is a Uint8Array, so it is handled as one.
import { bodyAlreadyParsedError } from "./glue.js";
import { fromCore } from "./errors.js";

export const HEADER = "x-webhook-secret";

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

/**
 * The header as the core reads it: from a string, a Node `string[]` of duplicated lines (joined
 * with "," as a Fetch `Headers` object joins them; the core tries each value and the first that
 * verifies wins), a Fetch `Headers`, a Node headers object, or undefined (missing).
 */
export function headerValue(header) {
  if (header == null) return undefined;
  if (typeof header === "string") return header;
  if (Array.isArray(header)) {
    const values = header.filter((v) => typeof v === "string");
    return values.length ? values.join(",") : undefined;
  }
  if (typeof header.get === "function") return headerValue(header.get(HEADER));
  if (typeof header === "object") {
    const key = Object.keys(header).find((k) => k.toLowerCase() === HEADER);
    return headerValue(key === undefined ? undefined : header[key]);
  }
  return undefined;
}

/**
 * Reads a Web ReadableStream into `{ body, size }`, stopping as soon as it exceeds `max` bytes
 * (then `body` is null and `size` what was read).
 */
export async function readLimited(stream, max) {
  if (!stream) return { body: new Uint8Array(0), size: 0 };
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return { body: null, size };
    }
    chunks.push(value);
  }
  return { body: concat(chunks, size), size };
}

export function concat(chunks, size) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
