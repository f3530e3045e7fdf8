/** Unbiased pass@k estimator: 1 - C(n-c, k) / C(n, k), computed as a stable product. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over tasks for every k that all tasks have enough samples for (BigCodeBench's rule). */
export function passAtKTable(perTask: { n: number; c: number }[], ks: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (perTask.length === 0) return out;
  const minN = Math.min(...perTask.map((t) => t.n));
  for (const k of ks) {
    if (minN < k) continue;
    out[`pass@${k}`] = perTask.reduce((s, t) => s + passAtK(t.n, t.c, k), 0) / perTask.length;
  }
  return out;
}
