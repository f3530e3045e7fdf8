import { describe, expect, it } from 'vitest';
import { recallByTurn, staticPassAt1ByTurn, staticScore } from '../../src/replay/scoring.js';

const T = true;
const F = false;

describe('ConvCodeBench static scoring (hand-computed)', () => {
  it('scores 1 when the reference passes at turn 0, whatever the target does', () => {
    expect(staticScore([T, T, T], [F, F, F, F], 3)).toEqual({ rr: 1, recalled: true, at: 0, by: 'reference' });
    expect(staticScore([T, T, T], [F, F, F, F], 3, false)).toEqual({ rr: 1, recalled: true, at: 0, by: 'reference' });
  });

  it('credits the target turn i with 1/(i+1)', () => {
    expect(staticScore([F, F, F], [F, T, F, F], 3).rr).toBe(1 / 2);
    expect(staticScore([F, F, F], [F, F, T, F], 3)).toEqual({ rr: 1 / 3, recalled: true, at: 2, by: 'target' });
    expect(staticScore([F, F, F], [F, F, F, T], 3).rr).toBe(1 / 4);
  });

  it('a passing reference turn i-1 scores 1/i and takes precedence over the target at turn i', () => {
    // i=1: ref0 F, target1 F; i=2: ref1 T -> 1/2 even though the target passes at turn 2.
    expect(staticScore([F, T, T], [F, F, T, T], 3)).toEqual({ rr: 1 / 2, recalled: true, at: 2, by: 'reference' });
    expect(staticScore([F, F, T], [F, F, F, F], 3)).toEqual({ rr: 1 / 3, recalled: true, at: 3, by: 'reference' });
  });

  it('compensate_init on (default) credits the target\'s own turn 0 in MRR; off ignores it there, while recall always starts at turn 0', () => {
    expect(staticScore([F, F, F], [T, F, F, F], 3)).toEqual({ rr: 1, recalled: true, at: 0, by: 'target' });
    expect(staticScore([F, F, F], [T, F, F, F], 3, false)).toEqual({ rr: 0, recalled: true, at: null, by: null });
    // Off: a later pass still counts with its usual rank.
    expect(staticScore([F, F, F], [T, F, T, F], 3, false)).toEqual({ rr: 1 / 3, recalled: true, at: 2, by: 'target' });
  });

  it('scores 0 and no recall when nothing passes within the turns', () => {
    expect(staticScore([F, F, F], [F, F, F, F], 3)).toEqual({ rr: 0, recalled: false, at: null, by: null });
    // A reference pass beyond the evaluated turns does not count.
    expect(staticScore([F, F, F, T], [F, F, F, F, F], 3).rr).toBe(0);
  });

  it('MRR over a task set, by hand', () => {
    const tasks = [
      { ref: [T, T], target: [F, F, F] }, // 1
      { ref: [F, F], target: [F, T, F] }, // 1/2
      { ref: [F, T], target: [F, F, F] }, // 1/2 (reference turn 1 at i=2)
      { ref: [F, F], target: [F, F, F] }, // 0
    ];
    const rr = tasks.map((t) => staticScore(t.ref, t.target, 2).rr);
    expect(rr).toEqual([1, 0.5, 0.5, 0]);
    expect(rr.reduce((a, b) => a + b) / rr.length).toBe(0.5);
  });

  it('per-turn pass@1: the target\'s turn t passed or the reference\'s turn 0 did', () => {
    const p = staticPassAt1ByTurn([
      { ref: [T, T], target: [F, F, F] },
      { ref: [F, F], target: [F, T, F] },
      { ref: [F, F], target: [T, F, F] },
      { ref: [F, F], target: [F, F, F] },
    ], 2);
    expect(p).toEqual([0.5, 0.5, 0.25]);
  });

  it('recall by turn counts tasks decided at or before each turn', () => {
    expect(recallByTurn([0, 2, null, 1], 3)).toEqual([0.25, 0.5, 0.75, 0.75]);
  });
});
