// The command line's --help texts, one per command ("" is the tool's own).
import { readFileSync } from "node:fs";
import { HEADER_NAME as HEADER } from "../node.mjs";
import { NAME } from "./inputs.mjs";

export const VERSION = (() => {
  try {
    return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
  } catch {
    return "unknown";
  }
})();

export const HELP = {
  "": `${NAME} ${VERSION}: sign, verify, send and receive AtlasBrokers webhooks.

Usage: ${NAME} <command> [options]

Commands:
  send <event|file|->   POST a signed delivery to --url, exactly as AtlasBrokers would
  sign [file|-]         print the signature (X-Webhook-Secret) of the exact bytes
  verify [file|-]       check a captured delivery against --signature <hex>
  listen                a local receiver that verifies and prints each delivery (--forward it)
  events                list the event catalog
  sample <event>        print an event's sample body

Options for every command:
  --json                machine-readable output (one JSON value per line)
  -h, --help            help for the tool or a command
  --version             the package version

The secret comes from --secret or the ATLAS_WEBHOOK_SECRET environment variable; it is never
printed. Colour only on a terminal, never when NO_COLOR is set.
Exit codes: 0 done, 1 the delivery failed (not authentic, non-2xx, network error), 2 usage.

Run "${NAME} <command> --help" for a command's options and examples.`,
  send: `Usage: ${NAME} send <event|file|-> --url <url> [options]

POSTs a signed delivery: content-type application/json and the ${HEADER} header (lowercase hex
HMAC-SHA256 of the exact body bytes), as AtlasBrokers does.
  <event>   a catalog sample with every field present, its timestamp set to now
  <file>    the exact bytes of a file (never re-serialized)
  -         the exact bytes of stdin
Prints the status, the time and the answer (truncated); exits 1 on any non-2xx answer or
network error.

Options:
  --url <url>            where to POST (required)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)
  --set <path=value>     change a sample's field, by dotted path (repeatable); the value is
                         parsed as JSON when it parses, else taken as a string
  --count <n>            send n deliveries (default 1); samples get distinct timestamps (one
                         millisecond apart), so each has its own delivery id; a file or stdin
                         is sent n times as is (a duplicate-delivery test)
  --concurrency <c>      deliveries in flight at once with --count (default 1)
  --timeout <seconds>    per delivery (default 10, as AtlasBrokers)
  --json                 one JSON line per delivery, and a summary with --count

Examples:
  ${NAME} send deal.won --url http://localhost:3000/webhooks
  ${NAME} send deal.won --url http://localhost:3000/webhooks --set data.value=3100 --set workspaceId=ws_1
  ${NAME} send captured.json --url http://localhost:3000/webhooks
  ${NAME} send lead.created --url http://localhost:3000/webhooks --count 100 --concurrency 10`,
  sign: `Usage: ${NAME} sign [file|-] [--secret <secret>] [--json]

Prints the lowercase hex HMAC-SHA256 of the exact bytes of a file (or stdin: "-" or nothing),
the value of the ${HEADER} header.

Example:
  ${NAME} sample deal.won > body.json && ${NAME} sign body.json`,
  verify: `Usage: ${NAME} verify [file|-] --signature <hex> [--secret <secret>] [--json]

Checks a captured delivery (the exact bytes of a file, or stdin) against its ${HEADER} header,
with the package's Webhook (envelope and catalog checks included). Exits 0 and prints the event
and its delivery id when authentic; exits 1 and prints the error code and message otherwise.

Options:
  --signature <hex>      the ${HEADER} header as received (required)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)

Example:
  ${NAME} verify body.json --signature 5d0c…`,
  listen: `Usage: ${NAME} listen [--port <p>] [--host <h>] [--forward <url>] [--tolerance <s>] [--max-body-bytes <n>] [--secret <secret>] [--json]

A local receiver: verifies each POST (any path) with the package's Webhook and prints the event,
its delivery id and its typed fields, or the error and what to do. Answers 200 with
{status, event, idempotencyKey}, or the error's status with {error, message}.
With --forward, each POST's exact bytes and ${HEADER} header are POSTed on to your app, whose
status and answer are printed and returned to the sender (502 when it cannot be reached).
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port <p>             port to listen on (default 4242; 0 picks a free one)
  --host <h>             address to listen on (default 127.0.0.1)
  --forward <url>        your app's webhook URL
  --tolerance <s>        refuse deliveries whose timestamp is more than s seconds from now
                         (default: off, as in the package)
  --max-body-bytes <n>   refuse bodies over n bytes with 413, keeping no more (default 1 MiB)
  --secret <secret>      the webhook secret (default: $ATLAS_WEBHOOK_SECRET)

Examples:
  ${NAME} listen --port 4242
  ${NAME} listen --port 4242 --forward http://localhost:3000/webhooks`,
  events: `Usage: ${NAME} events [--json]

Lists the event catalog: name, category and description (--json adds the typed fields).

Example:
  ${NAME} events --json`,
  sample: `Usage: ${NAME} sample <event> [--set <path=value>]... [--json]

Prints an event's sample body exactly (every field present), or with --set, the sample with
those fields changed (dotted paths; values parsed as JSON when they parse, else strings).

Examples:
  ${NAME} sample deal.won
  ${NAME} sample deal.won --set data.value=3100 > body.json`,
};
