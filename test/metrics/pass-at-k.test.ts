import { describe, expect, it } from 'vitest';
import { countsOf, meanPassAtK, passAtK, passAtKTable, skippedLine } from '../../src/metrics/pass-at-k.js';
import { scoreJudged, type JudgedGenerations, type Verdict } from '../../src/reasoning/scoring.js';
import type { ReasoningItem, ReasoningTask } from '../../src/reasoning/types.js';

describe('pass@k estimator', () => {
  it('is unbiased and stable', () => {
    expect(passAtK(10, 0, 1)).toBe(0);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 6, 5)).toBe(1); // n - c < k
    expect(passAtK(10, 2, 5)).toBeCloseTo(1 - (5 / 10) * (4 / 9), 12);
    expect(meanPassAtK([countsOf([true, false]), countsOf([false, false])], 1)).toBeCloseTo(0.25, 12);
  });
});

describe('one n >= k policy', () => {
  it('reports no k above the samples per task and says why', () => {
    const t = passAtKTable([{ n: 1, c: 1 }, { n: 1, c: 0 }], [5, 1]);
    expect(t.values).toEqual({ 'pass@1': 0.5 });
    expect(Object.keys(t.skipped)).toEqual(['pass@5']);
    expect(t.skipped['pass@5']).toMatch(/1 sample per task, pass@5 needs at least 5/);
    expect(skippedLine(t.skipped)).toContain('pass@5 not reported');
    expect(skippedLine({})).toBe('');
  });

  it('checks the smallest n over tasks, or the samples drawn when given', () => {
    expect(Object.keys(passAtKTable([{ n: 10, c: 1 }, { n: 4, c: 0 }], [1, 5, 10]).values)).toEqual(['pass@1']);
    expect(Object.keys(passAtKTable([{ n: 2, c: 2 }], [1, 5], { drawn: 5 }).values)).toEqual(['pass@1', 'pass@5']);
  });

  it('keys and scales as asked, ks in ascending order without repeats', () => {
    const t = passAtKTable([{ n: 3, c: 3 }], [3, 1, 3], { key: (k) => `pass_at_${k}`, scale: 100 });
    expect(t.values).toEqual({ pass_at_1: 100, pass_at_3: 100 });
  });
});

const judged = (pass: boolean): Verdict => ({ kind: 'judged', pass, timedOut: false });
const task = (name: string, reportKs: number[], ids: string[]): ReasoningTask =>
  ({ name, family: name === 'case2code' ? 'case2code' : 'cruxeval', reportKs, items: ids.map((id) => ({ id }) as ReasoningItem) }) as unknown as ReasoningTask;
const judgedRun = (t: ReasoningTask, outcomes: boolean[][]): JudgedGenerations => ({
  task: t,
  entries: outcomes.map((o, i) => ({ item: t.items[i]!, gens: o.map(() => 'x'), verdicts: o.map(judged) })),
  judgments: outcomes.flat().length,
  literalDecided: 0,
  durationMs: 0,
});

describe('reasoning scores follow the policy', () => {
  it('Case2Code with n = 1 reports pass@1 only (no pass@5 of 100)', () => {
    const r = scoreJudged(judgedRun(task('case2code', [1], ['sample_0']), [[false]]));
    expect(r.passAtK).toEqual({ pass_at_1: 0 });
    expect(r.passAtK.pass_at_5).toBeUndefined();
    expect(r.passAtKSkipped.pass_at_5).toMatch(/needs at least 5/);
  });

  it('CRUXEval --n 1 with one of two items failing: pass@1 50, no pass@5', () => {
    const r = scoreJudged(judgedRun(task('cruxeval-o', [1, 5], ['sample_0', 'sample_1']), [[true], [false]]));
    expect(r.passAtK).toEqual({ pass_at_1: 50 });
    expect(Object.keys(r.passAtKSkipped)).toEqual(['pass_at_5']);
  });

  it('scorer v2 drops filtered answers from the list, not from the draw', () => {
    const filtered: Verdict = { kind: 'filtered', reason: 'x' };
    const t = task('cruxeval-o', [1, 5], ['sample_0']);
    const run: JudgedGenerations = { ...judgedRun(t, [[true, false, false, false, false]]) };
    run.entries[0]!.verdicts = [judged(true), filtered, filtered, judged(false), judged(false)];
    const r = scoreJudged(run, 'v2');
    expect(Object.keys(r.passAtK)).toEqual(['pass_at_1', 'pass_at_5']);
    expect(r.passAtKSkipped).toEqual({});
  });
});
