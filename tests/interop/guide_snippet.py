"""The Python snippet from AtlasBrokers' webhooks guide, unchanged, behind a small driver.

stdin: {"mode": "verify"|"sign", "cases": [{"secret", "body", "signature"?}]}
stdout: a JSON array, booleans for verify, lowercase hex for sign.
"""
import hashlib
import hmac
import json
import sys


# --- from the guide ---------------------------------------------------------
def verify_webhook(raw_body: bytes, secret: str, header: str) -> bool:
    expected = hmac.new(
        secret.encode('utf-8'),
        raw_body,
        hashlib.sha256,
    ).hexdigest()
    return hmac.compare_digest(expected, header)
# --- end --------------------------------------------------------------------


def sign(raw_body: bytes, secret: str) -> str:
    # How AtlasBrokers signs, written the way the snippet computes `expected`.
    return hmac.new(secret.encode('utf-8'), raw_body, hashlib.sha256).hexdigest()


request = json.load(sys.stdin)
if request["mode"] == "verify":
    out = [verify_webhook(c["body"].encode("utf-8"), c["secret"], c["signature"]) for c in request["cases"]]
else:
    out = [sign(c["body"].encode("utf-8"), c["secret"]) for c in request["cases"]]
json.dump(out, sys.stdout)
