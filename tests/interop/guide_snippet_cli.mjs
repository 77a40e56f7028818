// Driver for the Rust interop test (tests/interop.rs) around the guide's Node snippet.
// stdin: {"mode": "verify"|"sign", "cases": [{"secret", "body", "signature"?}]}
// stdout: a JSON array, booleans for verify, lowercase hex for sign.
import { sign, verifyWebhook } from './guide_snippet.mjs';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const out = request.mode === 'verify'
  ? request.cases.map((c) => verifyWebhook(c.body, c.secret, c.signature))
  : request.cases.map((c) => sign(c.body, c.secret));
process.stdout.write(JSON.stringify(out));
