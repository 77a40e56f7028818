// What the README's `recordWin` stands for. Here it keeps what the deal.won handler saw (typed
// fields, idempotency key, and the runtime it ran on) for the test to read back with a PUT.
const wins = [];

export function recordWin(event) {
  wins.push({
    title: event.data.title,
    value: event.data.value,
    key: event.idempotencyKey,
    // Next's edge sandbox defines EdgeRuntime; the Node runtime does not.
    runtime: typeof EdgeRuntime === "string" ? "edge" : "node",
  });
}

export const recordedWins = () => Response.json(wins);
