// Type tests (tsc --noEmit): the API as users write it, with @ts-expect-error lines that fail
// the build if narrowing stops working or wrong names stop being rejected.
import {
  Webhook,
  WebhookVerificationError,
  WebhookHandlerError,
  sign,
  sampleBody,
  createNodeMiddleware,
  EVENT_TYPES,
  type AtlasEvent,
  type EventName,
  type KnownEvent,
} from "atlasbrokers-webhooks";

const wh = new Webhook("whsec", { previousSecrets: ["old"], toleranceSeconds: 300, maxBodyBytes: 1 << 20 });
const body = sampleBody("deal.won");
const event: AtlasEvent = wh.verify(body, sign("whsec", body));

if (event.event === "deal.won") {
  const value: number = event.data.value; // required in deal.won: a number, not optional
  const closedAt: string = event.data.closedAt;
  // @ts-expect-error deal.won has no firstName in the catalog... and extra fields are unknown
  const nope: string = event.data.firstName;
  void [value, closedAt, nope];
}

if (event.event === "lead.created") {
  // Optional fields may be missing or null.
  // @ts-expect-error email is string | null | undefined
  const email: string = event.data.email;
  const maybe: string | null | undefined = event.data.email;
  void [email, maybe];
}

if (event.event === "quote.requested") {
  // An event outside the catalog: data is opaque until the user says what it is.
  const data = event.data as Record<string, unknown>;
  void data;
}

switch (event.event) {
  case "invoice.paid": {
    const amount: number | null | undefined = event.data.amount;
    void amount;
    break;
  }
  default: {
    const key: string = event.idempotencyKey;
    const name: string = event.event; // may be outside the catalog: still a string
    void [key, name];
  }
}

wh.on("deal.won", (e) => {
  const v: number = e.data.value;
  void v;
});
wh.on("deal.*", (e) => {
  const name: "deal.created" | "deal.won" | "deal.lost" = e.event;
  void name;
});
wh.on(["lead.created", "claim.filed"], (e) => {
  const name: "lead.created" | "claim.filed" = e.event;
  void name;
});
wh.onAny((e: AtlasEvent) => void e.workspaceId);
wh.onError((e) => {
  if (e instanceof WebhookVerificationError) void e.code;
  if (e instanceof WebhookHandlerError) void e.results;
});
// @ts-expect-error wrong event name
wh.on("deal.wonn", () => {});
// @ts-expect-error unknown category
wh.on("quote.*", () => {});
// @ts-expect-error a parsed object is not a raw body
wh.verify({ event: "deal.won" }, "sig");

const names: EventName[] = EVENT_TYPES.map((t) => t.name);
const won: KnownEvent<"deal.won"> | undefined = undefined;
const handled: Promise<Response> = wh.handle(new Request("https://x.example", { method: "POST" }));
const middleware = createNodeMiddleware(wh, { path: "/hooks" });
void [names, won, handled, middleware];
