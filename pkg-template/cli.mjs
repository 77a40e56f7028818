#!/usr/bin/env node
// atlasbrokers-webhooks: sign, verify, send and receive AtlasBrokers webhooks from a terminal.
// Node >= 18, no dependencies beyond the package itself (imported by relative path) and Node's
// own modules. Exit codes: 0 done, 1 the delivery failed (not authentic, non-2xx, network),
// 2 a usage error (unknown command or option, missing secret or argument).
// One file per command under cli/; this one parses the arguments and dispatches.
import { parseArgs } from "node:util";
import { out, err, plain } from "./cli/output.mjs";
import { NAME, UsageError } from "./cli/inputs.mjs";
import { HELP, VERSION } from "./cli/help.mjs";
import { cmdSign, cmdVerify, cmdEvents, cmdSample } from "./cli/inspect.mjs";
import { cmdSend } from "./cli/send.mjs";
import { cmdListen } from "./cli/listen.mjs";

const COMMON = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } };
const SECRET = { secret: { type: "string" } };
const OPTIONS = {
  send: { ...COMMON, ...SECRET, url: { type: "string" }, set: { type: "string", multiple: true }, count: { type: "string" }, concurrency: { type: "string" }, timeout: { type: "string" } },
  sign: { ...COMMON, ...SECRET },
  verify: { ...COMMON, ...SECRET, signature: { type: "string" } },
  listen: { ...COMMON, ...SECRET, port: { type: "string" }, host: { type: "string" }, forward: { type: "string" }, tolerance: { type: "string" }, "max-body-bytes": { type: "string" } },
  events: { ...COMMON },
  sample: { ...COMMON, set: { type: "string", multiple: true } },
};
const MAX_POSITIONALS = { send: 1, sign: 1, verify: 1, listen: 0, events: 0, sample: 1 };

const COMMANDS = { send: cmdSend, sign: cmdSign, verify: cmdVerify, listen: cmdListen, events: cmdEvents, sample: cmdSample };

async function main(argv) {
  let command = argv[0];
  if (command === "help") {
    const topic = argv[1];
    if (topic && !(topic in COMMANDS)) throw new UsageError(`unknown command "${topic}"`);
    out(HELP[topic ?? ""]);
    return 0;
  }
  if (command == null || command === "--help" || command === "-h") {
    out(HELP[""]);
    return command == null ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    out(VERSION);
    return 0;
  }
  if (!(command in COMMANDS)) {
    throw new UsageError(command.startsWith("-") ? `unknown option "${command}" (a command comes first)` : `unknown command "${command}"`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values, positionals } = parsed;
  if (values.json) plain();
  if (values.help) {
    out(HELP[command]);
    return 0;
  }
  if (positionals.length > MAX_POSITIONALS[command]) {
    throw new UsageError(`unexpected argument "${positionals[MAX_POSITIONALS[command]]}"`);
  }
  return COMMANDS[command](values, positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      err(`${NAME}: ${e.message}`);
      err(`Run "${NAME} --help" for usage.`);
      process.exitCode = 2;
    } else {
      err(`${NAME}: ${e?.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
