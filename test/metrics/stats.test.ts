import { describe, expect, it } from 'vitest';
import { applyDiff, lineDiff, splitLines } from '../../src/compare/diff.js';
import { averageRanks, bootstrapCI, mulberry32, pairedBootstrapCI, pairedPermutationTest, quantile, spearman } from '../../src/metrics/stats.js';

describe('Spearman rank correlation', () => {
  it('matches hand-computed values without ties', () => {
    // d = (-1, 1, -1, 1, 0): rho = 1 - 6*4 / (5*24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([0.1, 0.5, 0.3], [10, 50, 30])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1, 12);
  });

  it('averages tied ranks (Pearson on ranks), as scipy.stats.spearmanr does', () => {
    expect(averageRanks([5, 6, 7, 8, 7])).toEqual([1, 2, 3.5, 5, 3.5]);
    // ranks x: 1..5, y: 1, 2, 3.5, 5, 3.5 -> sxy = 8, sxx = 10, syy = 9.5 -> 8 / sqrt(95)
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
  });

  it('is undefined for constant input or fewer than two points', () => {
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(spearman([1], [2])).toBeNull();
  });
});

describe('bootstrap confidence intervals', () => {
  const rr = [1, 0.5, 0, 0, 1, 1 / 3, 0.25, 0, 1, 0.5, 0, 1];

  it('contain the point estimate, are seeded, and shrink with more tasks', () => {
    const ci = bootstrapCI(rr, { resamples: 2000, seed: 7 });
    expect(ci.estimate).toBeCloseTo(rr.reduce((a, b) => a + b) / rr.length, 12);
    expect(ci.lo).toBeLessThanOrEqual(ci.estimate);
    expect(ci.hi).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.lo).toBeGreaterThanOrEqual(0);
    expect(ci.hi).toBeLessThanOrEqual(1);
    expect(bootstrapCI(rr, { resamples: 2000, seed: 7 })).toEqual(ci);
    const big = bootstrapCI([...rr, ...rr, ...rr, ...rr, ...rr, ...rr, ...rr, ...rr], { resamples: 2000, seed: 7 });
    expect(big.hi - big.lo).toBeLessThan(ci.hi - ci.lo);
  });

  it('a constant sample has a degenerate interval; the paired CI is the CI of the differences', () => {
    expect(bootstrapCI([0.5, 0.5, 0.5])).toEqual({ estimate: 0.5, lo: 0.5, hi: 0.5 });
    const a = [1, 1, 0.5, 0];
    const b = [0.5, 1, 0.5, 0];
    expect(pairedBootstrapCI(a, b, { seed: 3 })).toEqual(bootstrapCI([0.5, 0, 0, 0], { seed: 3 }));
  });

  it('quantile interpolates like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
  });

  it('mulberry32 is deterministic and uniform enough', () => {
    const r = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => r());
    expect(mulberry32(42)()).toBe(xs[0]);
    const m = xs.reduce((a, b) => a + b) / xs.length;
    expect(m).toBeGreaterThan(0.48);
    expect(m).toBeLessThan(0.52);
  });
});

describe('paired permutation test', () => {
  it('identical runs: difference 0, p = 1', () => {
    const a = [1, 0.5, 0, 1 / 3];
    expect(pairedPermutationTest(a, a)).toEqual({ diff: 0, p: 1, exact: true, n: 4 });
  });

  it('exact sign-flip p-value by hand: 10 tasks all better -> 2 / 2^10', () => {
    const t = pairedPermutationTest(Array(10).fill(1), Array(10).fill(0));
    expect(t.exact).toBe(true);
    expect(t.diff).toBe(1);
    expect(t.p).toBeCloseTo(2 / 1024, 12);
    // Differences +1, +1, -1 (sum 1): flips with |sum| >= 1 are all 8 -> p = 1.
    expect(pairedPermutationTest([1, 1, 0], [0, 0, 1]).p).toBe(1);
    // Differences 1, 0.5 (sum 1.5): |sum| >= 1.5 only for ++ and -- -> p = 2/4.
    expect(pairedPermutationTest([1, 1], [0, 0.5]).p).toBe(0.5);
  });

  it('Monte Carlo past 16 differing tasks: small p for a real difference, large p for noise', () => {
    const n = 40;
    const better = pairedPermutationTest(Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 1)), Array(n).fill(0), { resamples: 5000, seed: 1 });
    expect(better.exact).toBe(false);
    expect(better.p).toBeLessThan(0.001);
    expect(better.p).toBeGreaterThan(0);
    const noise = pairedPermutationTest(Array.from({ length: n }, (_, i) => i % 2), Array.from({ length: n }, (_, i) => 1 - (i % 2)), { resamples: 5000, seed: 1 });
    expect(noise.diff).toBe(0);
    expect(noise.p).toBe(1);
    // 13 tasks +1, 8 tasks -1 (sum 5): exact p = P(|2K - 21| >= 5), K ~ Binomial(21, 1/2) = 2 P(K <= 8).
    const x = [...Array(13).fill(1), ...Array(8).fill(0)];
    const y = [...Array(13).fill(0), ...Array(8).fill(1)];
    const t = pairedPermutationTest(x, y, { resamples: 20000, seed: 1 });
    const choose = (n: number, k: number): number => { let c = 1; for (let i = 1; i <= k; i++) c = (c * (n - i + 1)) / i; return c; };
    let tail = 0;
    for (let k = 0; k <= 8; k++) tail += choose(21, k) / 2 ** 21;
    expect(t.exact).toBe(false);
    expect(Math.abs(t.p - 2 * tail)).toBeLessThan(0.02);
  });
});

describe('line diff', () => {
  const cases: [string, string][] = [
    ['a\nb\nc\n', 'a\nB\nc\n'],
    ['', 'x\ny\n'],
    ['x\ny\n', ''],
    ['def f():\n    return 1\n', 'import os\ndef f():\n    x = 2\n    return x\n'],
    ['1\n2\n3\n4\n5\n6\n', '0\n1\n3\n4\n6\n7\n'],
  ];
  it('reconstructs both texts and keeps common lines', () => {
    for (const [a, b] of cases) {
      const A = splitLines(a);
      const B = splitLines(b);
      const lines = applyDiff(A, B, lineDiff(A, B));
      expect(lines.filter(([op]) => op !== '+').map(([, t]) => t)).toEqual(A);
      expect(lines.filter(([op]) => op !== '-').map(([, t]) => t)).toEqual(B);
    }
    expect(lineDiff(splitLines('a\nb\nc\n'), splitLines('a\nB\nc\n'))).toEqual([['=', 1], ['-', 1], ['+', 1], ['=', 1]]);
    // LCS of 1..6 vs 0,1,3,4,6,7 is 1,3,4,6: four kept lines.
    const ops = lineDiff(splitLines(cases[4]![0]), splitLines(cases[4]![1]));
    expect(ops.filter(([o]) => o === '=').reduce((s, [, n]) => s + n, 0)).toBe(4);
  });
});
