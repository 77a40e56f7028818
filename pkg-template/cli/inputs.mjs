// The command line's inputs: the secret, option values, bodies from files or stdin, catalog
// samples with --set overrides. Every mistake is a UsageError (exit 2) saying what to give.
import { readFileSync, existsSync, statSync } from "node:fs";
import { EVENT_TYPES } from "../node.mjs";

export const NAME = "atlasbrokers-webhooks";

export class UsageError extends Error {}

export function secretOf(values) {
  const secret = values.secret ?? process.env.ATLAS_WEBHOOK_SECRET;
  if (secret == null || secret === "") {
    throw new UsageError("no secret: pass --secret <secret> or set ATLAS_WEBHOOK_SECRET");
  }
  return secret;
}

export function positiveInt(value, name, fallback) {
  if (value == null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number ≥ 1, not "${value}"`);
  return n;
}

export function urlOf(value, name) {
  if (value == null) throw new UsageError(`--${name} <url> is required`);
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
    return url.href;
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, not "${value}"`);
  }
}

export async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function readInput(source) {
  // Nothing to read from a terminal: say so rather than wait for input that is not coming.
  if (source == null && process.stdin.isTTY) throw new UsageError(`give a file, or pipe the body in (or "-" for stdin)`);
  if (source == null || source === "-") return readStdin();
  if (!existsSync(source) || !statSync(source).isFile()) throw new UsageError(`no such file: ${source}`);
  return readFileSync(source);
}

export function eventType(name) {
  return EVENT_TYPES.find((t) => t.name === name);
}

export function unknownEvent(name) {
  return new UsageError(`"${name}" is not an event in the catalog (see "${NAME} events")`);
}

/** The sample of `name` with `--set path=value` overrides applied (dotted paths). */
export function withOverrides(body, sets) {
  const object = JSON.parse(body);
  for (const assignment of sets) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects path=value, not "${assignment}"`);
    const path = assignment.slice(0, eq).split(".");
    if (path.some((p) => p === "")) throw new UsageError(`--set: empty segment in "${assignment.slice(0, eq)}"`);
    const text = assignment.slice(eq + 1);
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let target = object;
    for (const key of path.slice(0, -1)) {
      if (target[key] === null || typeof target[key] !== "object") target[key] = {};
      target = target[key];
    }
    target[path.at(-1)] = value;
  }
  return object;
}

/** A number option (the Webhook refuses, by name, values it cannot mean). */
export function numberOf(text, flag) {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not "${text}"`);
  return n;
}
