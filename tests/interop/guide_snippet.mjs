// The Node.js snippet from AtlasBrokers' webhooks guide, with only its TypeScript type
// annotations removed so plain `node` runs it, behind a small driver.
//
// stdin: {"mode": "verify"|"sign", "cases": [{"secret", "body", "signature"?}]}
// stdout: a JSON array, booleans for verify, lowercase hex for sign.
import crypto from 'crypto';

// --- from the guide ---------------------------------------------------------
function verifyWebhook(
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
function sign(rawBody, secret) {
  return crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const out = request.mode === 'verify'
  ? request.cases.map((c) => verifyWebhook(c.body, c.secret, c.signature))
  : request.cases.map((c) => sign(c.body, c.secret));
process.stdout.write(JSON.stringify(out));
