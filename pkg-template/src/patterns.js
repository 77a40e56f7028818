// Event name patterns for on(): "deal.won", "deal.*" (a category) or "*" (everything).
import { EVENT_TYPES } from "./catalog.generated.js";

const NAMES = new Set(EVENT_TYPES.map((t) => t.name));
const CATEGORIES = new Set(EVENT_TYPES.map((t) => t.name.split(".")[0]));

/** Throws a TypeError naming the valid choices when `pattern` can never match a catalog event. */
export function checkPattern(pattern) {
  if (pattern === "*" || NAMES.has(pattern)) return pattern;
  if (typeof pattern === "string" && pattern.endsWith(".*") && CATEGORIES.has(pattern.slice(0, -2))) {
    return pattern;
  }
  throw new TypeError(
    `unknown event pattern ${JSON.stringify(pattern)}: use an event name (${[...NAMES].join(", ")}), ` +
      `a category wildcard (${[...CATEGORIES].map((c) => `${c}.*`).join(", ")}) or "*"; ` +
      "use onAny() to receive events outside the catalog",
  );
}

export function matches(pattern, name) {
  return pattern === "*" || pattern === name || (pattern.endsWith(".*") && name.startsWith(pattern.slice(0, -1)));
}
