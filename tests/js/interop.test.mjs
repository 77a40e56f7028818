// Interop with the guide's own Node snippet (tests/interop/guide_snippet.mjs): it accepts
// signatures from the package's sign(), and the package accepts what it computes.
import test from "node:test";
import assert from "node:assert/strict";
import { Webhook, sign, EVENT_TYPES } from "atlasbrokers-webhooks";
import { sign as guideSign, verifyWebhook } from "../interop/guide_snippet.mjs";

const bodies = [
  ...EVENT_TYPES.map((t) => t.sampleBody),
  '{"event":"lead.created","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_qc","data":{"id":"lead_1","firstName":"Zoë","lastName":"Côté 🏠"}}',
];
const secrets = ["whsec_interop_js", "clé-secrète-✓"];

test("the guide's snippet accepts sign()", () => {
  for (const secret of secrets) {
    for (const body of bodies) {
      assert.equal(verifyWebhook(body, secret, sign(secret, body)), true);
      assert.equal(verifyWebhook(body + " ", secret, sign(secret, body)), false);
    }
  }
});

test("the package accepts the guide's signatures, as string and as bytes", () => {
  for (const secret of secrets) {
    const webhook = new Webhook(secret);
    for (const body of bodies) {
      const header = guideSign(body, secret);
      assert.equal(webhook.verify(body, header).event, JSON.parse(body).event);
      assert.equal(webhook.verify(new TextEncoder().encode(body), header).event, JSON.parse(body).event);
    }
  }
});
