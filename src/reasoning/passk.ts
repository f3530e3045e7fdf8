/**
 * Unbiased pass@k estimator: 1 - prod_{i=n-c+1..n} (1 - k/i); 1.0 when n - c < k
 * (so with fewer than k samples, pass@k is 1).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1.0;
  let prod = 1.0;
  for (let i = n - c + 1; i <= n; i++) prod *= 1.0 - k / i;
  return 1.0 - prod;
}

/** Mean pass@k over samples x 100, each sample given as its list of booleans. */
export function meanPassAtK(scored: boolean[][], k: number): number {
  if (scored.length === 0) return 0;
  let sum = 0;
  for (const list of scored) {
    let c = 0;
    for (const b of list) if (b === true) c++;
    sum += passAtK(list.length, c, k);
  }
  return (sum / scored.length) * 100;
}

/** pass@k for every k, keyed `pass_at_<k>` as in the published files. */
export function passAtKTable(scored: boolean[][], ks: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...new Set(ks)].sort((a, b) => a - b)) out[`pass_at_${k}`] = meanPassAtK(scored, k);
  return out;
}
