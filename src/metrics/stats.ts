/** Small, seeded statistics for comparing runs: bootstrap CIs, paired tests, Spearman's rho. */

/** mulberry32: a fast 32-bit seeded generator; the same seed gives the same resamples. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
}

/** Quantile of sorted values with linear interpolation (R type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

/** Percentile bootstrap CI of the mean, resampling items (tasks) with replacement. */
export function bootstrapCI(xs: readonly number[], o: BootstrapOptions = {}): Interval {
  const est = mean(xs);
  const n = xs.length;
  if (n === 0) return { estimate: NaN, lo: NaN, hi: NaN };
  const B = o.resamples ?? 2000;
  const rnd = mulberry32(o.seed ?? 1);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(rnd() * n)]!;
    means[b] = s / n;
  }
  means.sort();
  const alpha = (1 - (o.level ?? 0.95)) / 2;
  const sorted = Array.from(means);
  return { estimate: est, lo: quantile(sorted, alpha), hi: quantile(sorted, 1 - alpha) };
}

/** Paired bootstrap CI of mean(a - b): tasks resampled together. */
export function pairedBootstrapCI(a: readonly number[], b: readonly number[], o: BootstrapOptions = {}): Interval {
  if (a.length !== b.length) throw new Error('paired samples must have the same length');
  return bootstrapCI(a.map((x, i) => x - b[i]!), o);
}

export interface PairedTest {
  /** mean(a - b). */
  diff: number;
  /** Two-sided p-value of the sign-flip permutation test. */
  p: number;
  /** Whether all 2^m sign flips were enumerated (m = non-zero differences), else Monte Carlo. */
  exact: boolean;
  n: number;
}

/**
 * Paired permutation (sign-flip) test of mean(a - b) = 0: under the null each task's difference is
 * as likely negated. Exact for up to 16 non-zero differences, else `resamples` random flips with
 * the (count + 1) / (B + 1) estimate.
 */
export function pairedPermutationTest(a: readonly number[], b: readonly number[], o: { resamples?: number; seed?: number } = {}): PairedTest {
  if (a.length !== b.length) throw new Error('paired samples must have the same length');
  const n = a.length;
  const d = a.map((x, i) => x - b[i]!).filter((x) => x !== 0);
  const diff = n ? a.reduce((s, x, i) => s + x - b[i]!, 0) / n : NaN;
  if (d.length === 0) return { diff: n ? 0 : NaN, p: 1, exact: true, n };
  const obs = Math.abs(d.reduce((s, x) => s + x, 0));
  const eps = 1e-12 * Math.max(1, obs);
  const m = d.length;
  if (m <= 16) {
    let count = 0;
    const total = 2 ** m;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
      if (Math.abs(s) >= obs - eps) count++;
    }
    return { diff, p: count / total, exact: true, n };
  }
  const B = o.resamples ?? 10000;
  const rnd = mulberry32(o.seed ?? 1);
  let count = 0;
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += rnd() < 0.5 ? -d[i]! : d[i]!;
    if (Math.abs(s) >= obs - eps) count++;
  }
  return { diff, p: (count + 1) / (B + 1), exact: false, n };
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(xs: readonly number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]![1]] = r;
    i = j + 1;
  }
  return ranks;
}

export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho: Pearson correlation of average ranks (ties handled); null when undefined. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error('spearman needs two samples of the same length');
  return pearson(averageRanks(x), averageRanks(y));
}
