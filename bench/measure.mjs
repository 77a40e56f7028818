// The timing loop every JS suite shares (Node and, bundled, the browser page): warm up, then
// time batches long enough for the clock's resolution; median and p10/p90 per call, in ns.
export async function measure(fn, budgetMs, isAsync, minBatchMs = 2) {
  const runBatch = isAsync
    ? async (n) => {
        for (let i = 0; i < n; i++) await fn();
      }
    : async (n) => {
        for (let i = 0; i < n; i++) fn();
      };
  let batch = 1;
  const warmEnd = performance.now() + budgetMs / 4;
  while (performance.now() < warmEnd) {
    const t = performance.now();
    await runBatch(batch);
    if (performance.now() - t < minBatchMs) batch *= 2;
  }
  const samples = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const t = performance.now();
    await runBatch(batch);
    samples.push(((performance.now() - t) * 1e6) / batch);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

/**
 * Sync calls timed in turn: each round runs every row once, as a batch of ~`batchMs` (sized on
 * `reference`), in an order reversed every round. Per row: the median time a call in ns, and
 * the median and quartiles over the rounds of the reference's time / the row's (> 1: the row is
 * faster). A burst of load on a shared machine slows a whole round alike, so these ratios hold
 * where separately measured medians drift.
 */
export function interleaved(rows, reference, rounds, batchMs = 2) {
  const time = (fn, n) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return performance.now() - t;
  };
  let n = 1;
  while (time(rows[reference], n) < batchMs) n *= 2;
  const names = Object.keys(rows);
  const perCall = Object.fromEntries(names.map((name) => [name, []]));
  const ratios = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const took = {};
    for (const name of round % 2 ? [...names].reverse() : names) took[name] = time(rows[name], n);
    for (const name of names) {
      perCall[name].push((took[name] * 1e6) / n);
      ratios[name].push(took[reference] / took[name]);
    }
  }
  const at = (values, q) => [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      { perCall: at(perCall[name], 0.5), median: at(ratios[name], 0.5), q1: at(ratios[name], 0.25), q3: at(ratios[name], 0.75) },
    ]),
  );
}
