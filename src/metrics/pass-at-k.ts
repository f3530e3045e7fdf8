/** Unbiased pass@k estimator: 1 - C(n-c, k) / C(n, k), computed as a stable product. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Samples drawn and samples correct for one task. */
export interface TaskCounts {
  n: number;
  c: number;
}

/** One task's counts from its list of outcomes. */
export function countsOf(list: readonly boolean[]): TaskCounts {
  let c = 0;
  for (const b of list) if (b === true) c++;
  return { n: list.length, c };
}

/** Mean pass@k over tasks as a fraction; 0 for no task. */
export function meanPassAtK(perTask: readonly TaskCounts[], k: number): number {
  if (perTask.length === 0) return 0;
  return perTask.reduce((s, t) => s + passAtK(t.n, t.c, k), 0) / perTask.length;
}

export interface PassAtKOptions {
  /** Name of k in the table (default `pass@<k>`, BigCodeBench's). */
  key?: (k: number) => string;
  /** Multiplier of the mean: 1 gives a fraction, 100 a percentage. */
  scale?: number;
  /**
   * Samples drawn per task that the policy checks, when the estimator's n may be smaller than what
   * was drawn (a scorer that drops filtered answers). Default: the smallest n over tasks.
   */
  drawn?: number;
}

export interface PassAtKTable {
  values: Record<string, number>;
  /** Each k that is not reported, keyed like `values`, with the reason. */
  skipped: Record<string, string>;
}

/**
 * pass@k for each k, under one policy for every command: a k is reported only when every task has
 * at least k samples (with fewer, the estimator says 1 for any task with one correct sample, which
 * is not a pass@k). The skipped ks say why.
 */
export function passAtKTable(perTask: readonly TaskCounts[], ks: readonly number[], o: PassAtKOptions = {}): PassAtKTable {
  const key = o.key ?? ((k: number) => `pass@${k}`);
  const scale = o.scale ?? 1;
  const out: PassAtKTable = { values: {}, skipped: {} };
  if (perTask.length === 0) return out;
  const n = o.drawn ?? Math.min(...perTask.map((t) => t.n));
  for (const k of [...new Set(ks)].sort((a, b) => a - b)) {
    if (n < k) out.skipped[key(k)] = `not reported: ${n} sample${n === 1 ? '' : 's'} per task, pass@${k} needs at least ${k}`;
    else out.values[key(k)] = meanPassAtK(perTask, k) * scale;
  }
  return out;
}

/** One line for a console: the ks not reported, or '' when every k was. */
export function skippedLine(skipped: Record<string, string>): string {
  const names = Object.keys(skipped);
  return names.length ? `(${names.join(', ')} not reported: fewer samples per task than k)` : '';
}
