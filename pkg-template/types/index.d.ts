// The package's API types. `make build` appends this file to events.generated.d.ts (the catalog
// types and `ErrorCode`, generated from the core by `make generate`) to make the package's
// index.d.mts and index.d.cts.

/** A delivery as AtlasBrokers sends it, typed by event name. */
export interface Envelope<N extends string, D> {
  /** The event name, e.g. `deal.won`. */
  event: N;
  /** When the event fired (RFC 3339, UTC); covered by the signature. */
  timestamp: string;
  /** The workspace that generated the event. */
  workspaceId: string;
  /** The event's data. */
  data: D;
  /**
   * The delivery id: lowercase hex SHA-256 of the exact body (64 characters). The same for a
   * delivery and its Replays (AtlasBrokers re-sends the stored bytes) and for any secret;
   * different for any two deliveries that differ at all. Dedupe on it. Computed when first
   * read. Not enumerable: JSON.stringify leaves it out.
   */
  readonly idempotencyKey: string;
}

/** A catalog event, narrowed by name: `KnownEvent<"deal.won">`. */
export type KnownEvent<N extends EventName = EventName> = {
  [K in N]: Envelope<K, EventDataMap[K]>;
}[N];

/** The name of an event outside the catalog. */
export type UnknownEventName = string;

/**
 * The `data` of an event outside the catalog: opaque to the type system (read it as
 * `event.data as Record<string, unknown>`). Typed this way so that comparing `event.event`
 * with a catalog name still narrows `data` to that event's fields.
 */
export interface OpaqueData {
  readonly [field: string]: never;
}

/** An event this version of the catalog does not know: never dropped, only untyped. */
export type UnknownEvent = Envelope<UnknownEventName, OpaqueData>;

/**
 * A verified event: one of the 15 catalog events, or an `UnknownEvent`. Compare `event.event`
 * to narrow it: `if (e.event === "deal.won") e.data.value // number`.
 */
export type AtlasEvent = KnownEvent | UnknownEvent;

/** An event name, a category wildcard such as `"deal.*"`, or `"*"`. */
export type EventPattern = EventName | `${EventCategory}.*` | "*";

/** The events a pattern matches. */
export type EventsMatching<P extends EventPattern> = P extends "*"
  ? AtlasEvent
  : P extends `${infer C}.*`
    ? KnownEvent<Extract<EventName, `${C}.${string}`>>
    : P extends EventName
      ? KnownEvent<P>
      : never;

/** What may be passed as the raw body. Never a parsed object. */
export type RawBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** What may be passed as the signature: the header's value, Node's value list, or all headers. */
export type SignatureHeader =
  | string
  | readonly string[]
  | undefined
  | null
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface WebhookOptions {
  /** Secrets still accepted during a rotation. */
  previousSecrets?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /**
   * Reject events whose signed `timestamp` is further than this from the receive time, in
   * either direction. Off by default: AtlasBrokers' Replay re-sends old events.
   */
  toleranceSeconds?: number;
  /** Reject bodies over this size with `body_too_large` (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface VerifyOptions {
  /** When the delivery was received (for queued processing); defaults to now. */
  receivedAt?: Date | number;
}

/** A delivery that must not be trusted or could not be read. */
export declare class WebhookVerificationError extends Error {
  readonly name: "WebhookVerificationError";
  /** Stable code, the same in Rust, JS and the edge verifier. */
  readonly code: ErrorCode;
  /** The HTTP status to answer with. */
  readonly status: number;
  /** `status` again, under the name NestJS, Fastify and Koa read from a thrown error. */
  readonly statusCode: number;
  /** Always true: the message is written for the sender and safe to show (http-errors' flag). */
  readonly expose: true;
  /**
   * True when the signature verified before the problem was found (`invalid_json`,
   * `invalid_envelope`): AtlasBrokers sent this body and will not send it again, so keep it.
   */
  readonly authentic: boolean;
  /** When `authentic`: the verified raw body, as passed to verify(). Not enumerable. */
  readonly body?: string | Uint8Array;
  /** When `authentic`: the body's delivery id (see `idempotencyKey`). Not enumerable. */
  readonly deliveryId?: string;
}

/** One or more handlers failed; the others' results are kept. */
export declare class WebhookHandlerError extends AggregateError {
  readonly name: "WebhookHandlerError";
  readonly code: "handler_failed";
  readonly status: 500;
  readonly statusCode: 500;
  /** False: handlers' errors may quote the payload, so frameworks must not show the message. */
  readonly expose: false;
  /** Every handler's outcome, in registration order. */
  readonly results: PromiseSettledResult<unknown>[];
  /** The event the handlers received. */
  readonly event: AtlasEvent;
}

export type Handler<E> = (event: E) => unknown;

export declare class Webhook {
  /** `secret`: the one in AtlasBrokers Settings > Webhooks. */
  constructor(secret: string | Uint8Array, options?: WebhookOptions);
  /** The body size limit in bytes. */
  readonly maxBodyBytes: number;
  /** Verifies the raw body and returns the typed event; throws WebhookVerificationError. */
  verify(body: RawBody, header: SignatureHeader, options?: VerifyOptions): AtlasEvent;
  /** Signs a body with the current secret (for tests of your own receiver). */
  sign(body: RawBody): string;
  /** Runs `handler` for matching events: a name, `"category.*"`, `"*"` or a list. */
  on<P extends EventPattern>(pattern: P | readonly P[], handler: Handler<EventsMatching<P>>): this;
  /** Runs `handler` for every verified event, including ones outside the catalog. */
  onAny(handler: Handler<AtlasEvent>): this;
  /** Called with every error verifyAndReceive raises. */
  onError(handler: (error: WebhookVerificationError | WebhookHandlerError) => unknown): this;
  /** Removes a handler added with on() or onAny() ("*"). */
  removeListener<P extends EventPattern>(pattern: P | readonly P[], handler: Handler<EventsMatching<P>>): this;
  /** Runs the matching handlers for an already verified event. */
  receive(event: AtlasEvent): Promise<{ event: AtlasEvent; results: unknown[] }>;
  /** verify() then receive(). Rejects with WebhookVerificationError or WebhookHandlerError. */
  verifyAndReceive(
    body: RawBody,
    header: SignatureHeader,
    options?: VerifyOptions,
  ): Promise<{ event: AtlasEvent; results: unknown[] }>;
  /** A Fetch-API handler: `Request` in, `Response` out (Workers, Deno, Bun, Next.js, Hono). */
  handle(request: Request): Promise<Response>;
}

/** Lowercase hex HMAC-SHA256 of the body's exact bytes, as AtlasBrokers sends it. */
export declare function sign(secret: string | Uint8Array, body: RawBody): string;

/** The header AtlasBrokers signs deliveries in (Node lowercases it: `req.headers["x-webhook-secret"]`). */
export declare const HEADER_NAME: "X-Webhook-Secret";

/**
 * The delivery id of a body: lowercase hex SHA-256 of its exact bytes, the `idempotencyKey`
 * verify() gives and the id the edge verifier and its console show.
 */
export declare function deliveryId(body: RawBody): string;

export interface NodeMiddlewareOptions {
  /** The path to answer on (default `/webhooks/atlasbrokers`); others go to `next`. */
  path?: string;
}

/** Minimal shapes of node:http's request and response, which Express and Connect extend. */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Verified first when a Buffer or string (NestJS `rawBody: true`, express.json's verify hook). */
  rawBody?: unknown;
  body?: unknown;
}
export interface NodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Middleware for node:http, Express (4 and 5), Connect and NestJS (`app.use`, `MiddlewareConsumer`, or a controller's `@Req() req, @Res() res`). */
export declare function createNodeMiddleware(
  webhook: Webhook,
  options?: NodeMiddlewareOptions,
): (req: NodeRequest, res: NodeResponse, next?: (error?: unknown) => void) => Promise<void>;

// Fastify and Koa are described by the few members the adapters use, so these types compile
// without either framework installed; their own instance and context types fit them.

/** The parts of a Fastify instance `fastifyWebhooks` uses. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(
    contentType: string,
    parser: (request: any, payload: any, done: (error: Error | null, body?: unknown) => void) => void,
  ): unknown;
  all(path: string, handler: (request: any, reply: any) => Promise<unknown>): unknown;
}

export interface FastifyWebhooksOptions {
  webhook: Webhook;
  /** The route (default `/webhooks/atlasbrokers`), under the `register()` prefix. */
  path?: string;
}

/**
 * Fastify plugin: `fastify.register(fastifyWebhooks, { webhook, path? })`. In its own
 * encapsulated context it reads the webhook route's raw body; other routes keep their parsers.
 */
export declare function fastifyWebhooks(fastify: FastifyInstanceLike, options: FastifyWebhooksOptions): Promise<void>;

/** The parts of a Koa context `createKoaMiddleware` uses. */
export interface KoaContextLike {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  req: NodeRequest;
  /** `body`/`rawBody` as a body parser (koa-bodyparser) left them, if one ran first. */
  request: { body?: unknown; rawBody?: unknown };
  status: number;
  body: unknown;
  set(fields: Record<string, string>): unknown;
}

/**
 * Koa middleware: answers requests to `path` (default `/webhooks/atlasbrokers`), passes others
 * to `next`. Reads `ctx.req`, or a body parser's `ctx.request.rawBody`.
 */
export declare function createKoaMiddleware(
  webhook: Webhook,
  options?: NodeMiddlewareOptions,
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown>;

/** One catalog field. */
export interface EventField {
  readonly name: string;
  readonly type: "string" | "number";
  readonly required: boolean;
}

/** One catalog event. */
export interface EventType {
  readonly name: EventName;
  readonly category: string;
  readonly description: string;
  readonly fields: readonly EventField[];
  /** A realistic delivery body (compact JSON), ready to sign. */
  readonly sampleBody: string;
}

/** The catalog, in the guide's order. */
export declare const EVENT_TYPES: readonly EventType[];

/** The sample delivery body of a catalog event. */
export declare function sampleBody(name: EventName): string;
export declare function sampleBody(name: string): string | undefined;
