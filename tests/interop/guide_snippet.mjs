// The Node.js snippet from AtlasBrokers' webhooks guide, with only its TypeScript type
// annotations removed so plain `node` runs it. Used by guide_snippet_cli.mjs (the Rust interop
// test) and tests/js/interop.test.mjs (the npm package).
import crypto from 'crypto';

// --- from the guide ---------------------------------------------------------
export function verifyWebhook(
  rawBody,     // raw request body string (before JSON.parse)
  secret,      // your webhook secret from AtlasBrokers settings
  header,      // value of X-Webhook-Secret header
) {
  const expected = crypto
    .createHmac('sha256', secret)
    .update(rawBody)
    .digest('hex');
  return crypto.timingSafeEqual(
    Buffer.from(expected, 'hex'),
    Buffer.from(header, 'hex'),
  );
}
// --- end --------------------------------------------------------------------

// How AtlasBrokers signs, written the way the snippet computes `expected`.
export function sign(rawBody, secret) {
  return crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
}
