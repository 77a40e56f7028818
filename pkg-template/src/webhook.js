// The Webhook class, the package's API surface: verify, sign, handlers, and a Fetch-API handler.
// The work is done elsewhere: wasm-memory.js (verifying in wasm), handlers.js (on/onAny/onError),
// fetch-handler.js over request.js (handle()).
import { Verifier, signBytes, signText } from "./glue.js";
import { deliveryIdOf, platformSha256 } from "./wasm-instance.js";
import { reservedRoom, verifyInWasm } from "./wasm-memory.js";
import { withIdempotencyKey } from "./idempotency-key.js";
import { callCore, fromCore } from "./errors.js";
import { rawBody } from "./raw-body.js";
import { signatureHeader } from "./signature-header.js";
import { Handlers } from "./handlers.js";
import { handleFetch } from "./fetch-handler.js";
import { DEFAULT_MAX_BODY_BYTES } from "./core-constants.generated.js";
const encoder = new TextEncoder();

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

export class Webhook {
  #verifier;
  #reserved = reservedRoom();
  #maxBodyBytes;
  #handlers = new Handlers();

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
  verify(body, header, options) {
    const raw = rawBody(body);
    // The receive time the caller gave, if any; without one the core reads the clock itself
    // (and only when a tolerance is set).
    const receivedAt = options?.receivedAt;
    const receivedAtMs = receivedAt == null ? undefined : millis(receivedAt);
    let text;
    try {
      text = verifyInWasm(this.#verifier, this.#reserved, raw, signatureHeader(header), receivedAtMs, this.#maxBodyBytes);
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
    // The delivery id is a SHA-256 of the body: computed only if read, then kept.
    return withIdempotencyKey(JSON.parse(text), raw);
  }

  /** Signs a body with the current secret, for tests of your own receiver. */
  sign(body) {
    const raw = rawBody(body);
    return typeof raw === "string" ? this.#verifier.signText(raw) : this.#verifier.signBytes(raw);
  }

  /** Runs `handler` for events matching a name, `"category.*"`, `"*"`, or a list of them. */
  on(patterns, handler) {
    this.#handlers.on(patterns, handler);
    return this;
  }

  /** Runs `handler` for every verified event, including ones outside the catalog. */
  onAny(handler) {
    this.#handlers.onAny(handler);
    return this;
  }

  /** Called with every error verifyAndReceive raises (verification or handler failures). */
  onError(handler) {
    this.#handlers.onError(handler);
    return this;
  }

  /** Removes a handler added with on() or onAny(). */
  removeListener(patterns, handler) {
    this.#handlers.removeListener(patterns, handler);
    return this;
  }

  /** Runs the matching handlers for an already verified event. */
  receive(event) {
    return this.#handlers.run(event);
  }

  /** verify(), then receive(): resolves to `{ event, results }`. */
  async verifyAndReceive(body, header, options) {
    let event;
    try {
      event = this.verify(body, header, options);
    } catch (error) {
      await this.#handlers.report(error);
      throw error;
    }
    return this.receive(event);
  }

  /**
   * A Fetch-API handler (Request -> Response) for Workers, Deno, Bun, Next.js route handlers and
   * Hono: 200 with the idempotency key, or the error's status with `{ error, message }`.
   */
  handle(request) {
    return handleFetch(this, request);
  }
}
