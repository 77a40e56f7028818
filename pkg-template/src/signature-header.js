// Where the signature is read from, and what several X-Webhook-Secret values mean. Every path
// (verify(), handle(), the Node middleware) finds the header here and nowhere else.
import { HEADER_NAME } from "./core-constants.generated.js";

// Lowercase: Fetch's Headers.get is case-insensitive, node:http lowercases every name.
const HEADER = HEADER_NAME.toLowerCase();

/**
 * The header as the core reads it, from: a string; a Fetch `Headers` (whose get() joins repeated
 * lines with ", "); a Node headers object (node:http joins repeated lines with ", " too), with
 * the name in any case; a `string[]` of repeated lines (Node's `headersDistinct`, or a user's
 * list); or undefined / null (missing).
 *
 * The duplicated-header rule: several values become one comma-separated list, and the core
 * tries each value in turn; the first that verifies wins, and a delivery fails only when none
 * does. Non-string entries of a list are ignored; an empty list is a missing header.
 */
export function signatureHeader(header) {
  if (header == null) return undefined;
  if (typeof header === "string") return header;
  if (Array.isArray(header)) {
    const values = header.filter((v) => typeof v === "string");
    return values.length ? values.join(",") : undefined;
  }
  if (typeof header.get === "function") return signatureHeader(header.get(HEADER));
  if (typeof header === "object") {
    const key = Object.keys(header).find((k) => k.toLowerCase() === HEADER);
    return signatureHeader(key === undefined ? undefined : header[key]);
  }
  return undefined;
}
