// The handler registry behind on(), onAny() and onError(), and running it for an event.
// Which events a pattern takes is the core's rule (patterns.rs), the same as the edge
// verifier's destinations: "deal.won", "deal.*" (a category, also its later events) or "*".
import { checkPattern, patternMatches } from "./glue.js";
import { WebhookHandlerError } from "./errors.js";

export class Handlers {
  /** [pattern, handler] pairs, in registration order. */
  #handlers = [];
  #errorHandlers = [];

  /** Adds `handler` for each pattern (one or a list); throws a TypeError for a bad pattern. */
  on(patterns, handler) {
    for (const pattern of [patterns].flat()) this.#handlers.push([checked(pattern), handler]);
  }

  onAny(handler) {
    this.#handlers.push(["*", handler]);
  }

  onError(handler) {
    this.#errorHandlers.push(handler);
  }

  removeListener(patterns, handler) {
    const remove = new Set([patterns].flat());
    this.#handlers = this.#handlers.filter(([p, h]) => !(h === handler && remove.has(p)));
  }

  /**
   * Runs every handler matching the event, all to completion; resolves to `{ event, results }`,
   * or reports and throws a WebhookHandlerError when any failed.
   */
  async run(event) {
    const handlers = this.#handlers.filter(([p]) => patternMatches(p, String(event.event))).map(([, h]) => h);
    const results = await Promise.allSettled(handlers.map(async (h) => h(event)));
    const errors = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    if (errors.length) {
      const error = new WebhookHandlerError(errors, results, event);
      await this.report(error);
      throw error;
    }
    return { event, results: results.map((r) => r.value) };
  }

  /** Calls every onError() handler with `error`; their own failures are swallowed. */
  async report(error) {
    for (const handler of this.#errorHandlers) {
      try {
        await handler(error);
      } catch {
        // An error handler's own failure must not hide the original error.
      }
    }
  }
}

/**
 * `pattern` if the core takes it; otherwise a TypeError with the core's message, which names
 * the valid choices. Only strings are patterns: anything else is refused as its JSON text.
 */
function checked(pattern) {
  const problem = checkPattern(typeof pattern === "string" ? pattern : (JSON.stringify(pattern) ?? String(pattern)));
  if (problem !== undefined) throw new TypeError(problem);
  return pattern;
}
