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
