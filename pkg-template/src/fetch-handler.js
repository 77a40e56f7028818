// Webhook#handle: a Fetch-API `Request` in, a `Response` out (Workers, Deno, Bun, Next.js, Hono).
import { answerDelivery } from "./request.js";

export async function handleFetch(webhook, request) {
  const { status, headers, body } = await answerDelivery(webhook, {
    method: request.method,
    headers: request.headers,
    // Something read the body first (`await request.json()`, a framework's body parsing): its
    // bytes are gone, so verify() gets the object it stands for and answers body_already_parsed,
    // not a confusing "body used" TypeError.
    body: request.bodyUsed ? {} : undefined,
    // Refuse a declared oversize body unread; otherwise stop reading once past the limit.
    declaredSize: Number(request.headers.get("content-length") ?? NaN),
    chunks: chunksOf(request.body),
  });
  return new Response(body, { status, headers });
}

/** A ReadableStream's chunks (none when there is no body); cancels the stream when left early. */
async function* chunksOf(stream) {
  if (!stream) return;
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel();
  }
}
