// The Webhook class: verify, typed events, handlers, and a Fetch-API handler.
import { Verifier, bodyTooLargeError, methodNotAllowedError, signBytes, signText } from "./glue.js";
import { deliveryIdOf, memoryView, platformSha256 } from "./wasm-instance.js";
import { WebhookHandlerError, WebhookVerificationError, callCore, fromCore } from "./errors.js";
import { HEADER, headerValue, rawBody, readLimited } from "./body.js";
import { checkPattern, matches } from "./patterns.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function secretBytes(secret) {
  if (secret == null) return new Uint8Array(0); // reported by the core as invalid_secret
  return typeof secret === "string" ? encoder.encode(secret) : rawBody(secret);
}

function millis(at) {
  return at instanceof Date ? at.getTime() : Number(at);
}

// An option as the core takes it: absent, or a number (anything else is NaN, which the core
// refuses as invalid_option rather than coercing "10" or true).
function numberOption(value) {
  if (value == null) return undefined;
  return typeof value === "number" ? value : NaN;
}

/** Signs a body as AtlasBrokers does: lowercase hex HMAC-SHA256 of its exact bytes. */
export function sign(secret, body) {
  const raw = rawBody(body);
  const key = secretBytes(secret);
  return typeof raw === "string" ? signText(key, raw) : signBytes(key, raw);
}

/**
 * Writes body and header straight into the verifier's reserved wasm memory (one copy, no
 * allocation) and verifies them there; throws the core's error.
 */
function verifyInWasm(verifier, scratch, raw, header, receivedAt, maxBodyBytes) {
  const text = typeof raw === "string";
  // A string has at least as many UTF-8 bytes as UTF-16 units: refuse an oversize one unencoded.
  const size = text ? raw.length : raw.byteLength;
  if (size > maxBodyBytes) throw bodyTooLargeError(text ? encoder.encode(raw).byteLength : size, maxBodyBytes);
  // Room for the worst case: 3 UTF-8 bytes per UTF-16 unit.
  const bodyRoom = text ? size * 3 : size;
  const room = bodyRoom + (header === undefined ? 0 : header.length * 3);
  // The reserved room only grows and moves only when it grows: ask wasm only then.
  if (room > scratch.room) {
    scratch.ptr = verifier.reserve(room);
    scratch.room = room;
  }
  const memory = memoryView(scratch.ptr, room);
  let bodyLen = size;
  if (text) bodyLen = encoder.encodeInto(raw, memory).written;
  else memory.set(raw);
  const headerLen = header === undefined ? undefined : encoder.encodeInto(header, memory.subarray(bodyLen)).written;
  return verifier.verifyReserved(bodyLen, headerLen, receivedAt);
}

export class Webhook {
  #verifier;
  #scratch = { ptr: 0, room: 0 };
  #hasTolerance;
  #maxBodyBytes;
  #handlers = [];
  #errorHandlers = [];

  constructor(secret, options = {}) {
    const { previousSecrets = [], toleranceSeconds, maxBodyBytes } = options;
    this.#verifier = callCore(
      () => new Verifier(secretBytes(secret), numberOption(toleranceSeconds), numberOption(maxBodyBytes)),
    );
    for (const previous of [previousSecrets].flat()) {
      callCore(() => this.#verifier.addPreviousSecret(secretBytes(previous)));
    }
    const sha256 = platformSha256();
    if (sha256) this.#verifier.usePlatformSha256(sha256);
    this.#hasTolerance = toleranceSeconds != null;
    this.#maxBodyBytes = maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** The limit on body size in bytes. */
  get maxBodyBytes() {
    return this.#maxBodyBytes;
  }

  /**
   * Verifies the raw body against the X-Webhook-Secret header and returns the typed event.
   * Throws WebhookVerificationError (`.code`, `.status`) when it must not be trusted.
   */
  verify(body, header, options = {}) {
    const raw = rawBody(body);
    const receivedAt = this.#hasTolerance ? millis(options.receivedAt ?? Date.now()) : undefined;
    try {
      verifyInWasm(this.#verifier, this.#scratch, raw, headerValue(header), receivedAt, this.#maxBodyBytes);
    } catch (e) {
      const error = fromCore(e);
      // Authentic but not the envelope: AtlasBrokers will not send it again, so the receiver
      // gets the verified bytes to keep.
      // Not enumerable: logging the error must not print the payload (personal information).
      if (error.authentic) {
        Object.defineProperties(error, {
          body: { value: raw, enumerable: false },
          deliveryId: { value: deliveryIdOf(raw), enumerable: false },
        });
      }
      throw error;
    }
    // The core has checked the envelope and every typed field; JSON.parse builds the object
    // from the same verified bytes, with every field as received.
    const event = JSON.parse(typeof raw === "string" ? raw : decoder.decode(raw));
    // The delivery id is a SHA-256 of the body: computed only if read, then kept.
    let id;
    Object.defineProperty(event, "idempotencyKey", {
      get: () => (id ??= deliveryIdOf(raw)),
      enumerable: false,
    });
    return event;
  }

  /** Signs a body with the current secret, for tests of your own receiver. */
  sign(body) {
    const raw = rawBody(body);
    return typeof raw === "string" ? this.#verifier.signText(raw) : this.#verifier.signBytes(raw);
  }

  /** Runs `handler` for events matching a name, `"category.*"`, `"*"`, or a list of them. */
  on(patterns, handler) {
    for (const pattern of [patterns].flat()) this.#handlers.push([checkPattern(pattern), handler]);
    return this;
  }

  /** Runs `handler` for every verified event, including ones outside the catalog. */
  onAny(handler) {
    this.#handlers.push(["*", handler]);
    return this;
  }

  /** Called with every error verifyAndReceive raises (verification or handler failures). */
  onError(handler) {
    this.#errorHandlers.push(handler);
    return this;
  }

  /** Removes a handler added with on() or onAny(). */
  removeListener(patterns, handler) {
    const remove = new Set([patterns].flat());
    this.#handlers = this.#handlers.filter(([p, h]) => !(h === handler && remove.has(p)));
    return this;
  }

  /** Runs the matching handlers for an already verified event. */
  async receive(event) {
    const handlers = this.#handlers.filter(([p]) => matches(p, event.event)).map(([, h]) => h);
    const results = await Promise.allSettled(handlers.map(async (h) => h(event)));
    const errors = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    if (errors.length) {
      const error = new WebhookHandlerError(errors, results, event);
      await this.#reportError(error);
      throw error;
    }
    return { event, results: results.map((r) => r.value) };
  }

  /** verify(), then receive(): resolves to `{ event, results }`. */
  async verifyAndReceive(body, header, options) {
    let event;
    try {
      event = this.verify(body, header, options);
    } catch (error) {
      await this.#reportError(error);
      throw error;
    }
    return this.receive(event);
  }

  /**
   * A Fetch-API handler (Request -> Response) for Workers, Deno, Bun, Next.js route handlers and
   * Hono: 200 with the idempotency key, or the error's status with `{ error, message }`.
   */
  async handle(request) {
    if (request.method !== "POST") {
      return errorResponse(fromCore(methodNotAllowedError()), { allow: "POST" });
    }
    const max = this.#maxBodyBytes;
    // Refuse a declared oversize body unread; otherwise stop reading once past the limit.
    const declared = Number(request.headers.get("content-length") ?? NaN);
    const { body, size } = declared > max ? { size: declared } : await readLimited(request.body, max);
    if (!body) return errorResponse(fromCore(bodyTooLargeError(size, max)));
    try {
      const { event } = await this.verifyAndReceive(body, request.headers.get(HEADER));
      return jsonResponse(200, { status: "ok", event: event.event, idempotencyKey: event.idempotencyKey });
    } catch (error) {
      return errorResponse(error);
    }
  }

  async #reportError(error) {
    for (const handler of this.#errorHandlers) {
      try {
        await handler(error);
      } catch {
        // An error handler's own failure must not hide the original error.
      }
    }
  }
}

export function jsonResponse(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The response for an error: its own status and code, or a 500 that leaks nothing. */
export function errorResponse(error, headers) {
  const [status, body] = errorBody(error);
  return jsonResponse(status, body, headers);
}

export function errorBody(error) {
  if (error instanceof WebhookVerificationError) {
    return [error.status, { error: error.code, message: error.message }];
  }
  if (error instanceof WebhookHandlerError) {
    // Handler errors may quote payload data (PII): the sender only learns that they failed.
    return [500, { error: error.code, message: `${error.errors.length} webhook handler(s) failed` }];
  }
  return [500, { error: "internal_error", message: "the webhook receiver failed" }];
}
