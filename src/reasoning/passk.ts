import { passAtK } from '../metrics/pass-at-k.js';

export { passAtK };

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
