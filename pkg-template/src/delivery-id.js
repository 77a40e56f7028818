// The delivery id of a body, as the core defines it (lowercase hex SHA-256 of the exact bytes):
// the id verify() gives as `idempotencyKey` and the edge verifier and its console show.
import { deliveryIdOf } from "./wasm-instance.js";
import { rawBody } from "./raw-body.js";

/** The delivery id of a raw body (string, Uint8Array/Buffer, ArrayBuffer or view). */
export function deliveryId(body) {
  return deliveryIdOf(rawBody(body));
}
