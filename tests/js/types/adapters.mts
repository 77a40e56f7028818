// Type tests of the framework adapters' signatures, as Fastify, Koa, Express and NestJS code
// uses them. The frameworks' own types need @types/node (not installed here), so their shapes are
// mirrored below with the members that matter: overloads, extra members, Node's request.
import {
  Webhook,
  fastifyWebhooks,
  createKoaMiddleware,
  createNodeMiddleware,
  type FastifyWebhooksOptions,
} from "atlasbrokers-webhooks";

const webhook = new Webhook("whsec");

// Fastify: register(plugin, opts) with plugin (instance: FastifyInstance, opts: Options) => Promise<void>.
interface FastifyInstanceMirror {
  register<O>(plugin: (instance: FastifyInstanceMirror, opts: O) => Promise<void>, opts?: O & { prefix?: string }): this;
  addContentTypeParser(contentType: string | string[] | RegExp, parser: (request: unknown, payload: AsyncIterable<Uint8Array>, done: (err: Error | null, body?: any) => void) => void): void;
  addContentTypeParser(contentType: string, opts: { parseAs: "buffer" | "string" }, parser: (request: unknown, body: Uint8Array, done: (err: Error | null, body?: any) => void) => void): void;
  removeAllContentTypeParsers(): void;
  all(path: string, handler: (request: { body: unknown; headers: Record<string, string | undefined> }, reply: { code(n: number): unknown }) => Promise<unknown>): this;
  all(path: string, opts: object, handler: (request: unknown, reply: unknown) => Promise<unknown>): this;
  listen(opts: { port: number }): Promise<string>;
}
declare const fastify: FastifyInstanceMirror;
fastify.register(fastifyWebhooks, { webhook });
fastify.register(fastifyWebhooks, { webhook, path: "/hook", prefix: "/v2" });
const fastifyOptions: FastifyWebhooksOptions = { webhook };
// @ts-expect-error the Webhook is required
const noWebhook: FastifyWebhooksOptions = { path: "/hook" };
void [fastifyOptions, noWebhook];

// Koa: app.use(middleware) with middleware (ctx, next) => any, ctx with Node's req and more.
interface KoaContextMirror {
  path: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  req: AsyncIterable<Uint8Array> & { method?: string; url?: string; headers: Record<string, string | string[] | undefined> };
  request: { body?: unknown; rawBody?: string; href: string };
  status: number;
  body: unknown;
  state: Record<string, unknown>;
  set(field: Record<string, string | string[]>): void;
  set(field: string, value: string | string[]): void;
  is(...types: string[]): string | false | null;
}
declare const koa: { use(middleware: (ctx: KoaContextMirror, next: () => Promise<any>) => any): void };
koa.use(createKoaMiddleware(webhook));
koa.use(createKoaMiddleware(webhook, { path: "/hooks/atlas" }));
// @ts-expect-error the options object has no `webhook`: the Webhook is the first argument
createKoaMiddleware({ path: "/hooks" });

// Express / NestJS: (req, res, next) with req.rawBody a Buffer-like Uint8Array and a parsed body.
declare const req: AsyncIterable<Uint8Array> & {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Uint8Array;
  body: Record<string, unknown>;
};
declare const res: { statusCode: number; setHeader(name: string, value: string | number | readonly string[]): unknown; end(body?: string): unknown };
const answered: Promise<void> = createNodeMiddleware(webhook, { path: "/webhooks/atlasbrokers" })(req, res);
void answered;
