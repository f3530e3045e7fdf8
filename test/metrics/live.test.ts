import { describe, expect, it } from 'vitest';
import { mrr, passAt1ByTurn, pct, recall } from '../../src/metrics/live.js';
import { passAtK, passAtKTable } from '../../src/metrics/pass-at-k.js';

describe('live metrics (hand-computed)', () => {
  // Task A passes at turn 0, B at turn 2, C at turn 1 then fails again at 2, D never.
  const tasks = [
    [true, true, true],
    [false, false, true],
    [false, true, false],
    [false, false, false],
  ];
  it('MRR averages 1/(t*+1) over all tasks, 0 for unsolved', () => {
    expect(mrr(tasks)).toBeCloseTo((1 + 1 / 3 + 1 / 2 + 0) / 4, 12);
  });
  it('recall is the share of tasks with any passing version', () => {
    expect(recall(tasks)).toBe(0.75);
  });
  it('pass@1 at turn t counts version t or version 0', () => {
    expect(passAt1ByTurn(tasks, 3)).toEqual([0.25, 0.5, 0.5, 0.5]);
    expect(passAt1ByTurn([[true, false]], 1)).toEqual([1, 1]);
  });
  it('prints x100 with one decimal and handles empty input', () => {
    expect(pct(0.4583333)).toBe('45.8');
    expect(mrr([])).toBe(0);
    expect(recall([])).toBe(0);
  });
});

describe('pass@k', () => {
  it('matches the closed form 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12);
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(4, 1, 5)).toBe(1);
  });
  it('reports only the k every task has enough samples for', () => {
    expect(passAtKTable([{ n: 1, c: 1 }, { n: 1, c: 0 }], [1, 5]).values).toEqual({ 'pass@1': 0.5 });
  });
});
