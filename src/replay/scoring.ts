/**
 * ConvCodeBench static scoring of one task.
 *
 * `ref[k]`: frozen label of the reference's code version k; `target[i]`: the target's version i
 * (its own generation at 0, its refinement of the reference's version i-1 afterwards).
 * Score 1 when the reference's version 0 passes. Otherwise for i = start..T (start 0 with
 * compensateInit, the default; 1 without, as the original's flag off): if i >= 1 and ref[i-1]
 * passed, score 1/i and stop; else if target[i] passed, score 1/(i+1) and stop.
 * Recall runs the same loop with score 1.
 */
export interface StaticScore {
  /** Reciprocal rank (0 when nothing scored). */
  rr: number;
  recalled: boolean;
  /** Turn at which scoring stopped (0 for a passing reference version 0), or null. */
  at: number | null;
  by: 'reference' | 'target' | null;
}

export function staticScore(ref: readonly boolean[], target: readonly boolean[], maxTurns: number, compensateInit = true): StaticScore {
  if (ref[0] === true) return { rr: 1, recalled: true, at: 0, by: 'reference' };
  for (let i = compensateInit ? 0 : 1; i <= maxTurns; i++) {
    if (i >= 1 && ref[i - 1] === true) return { rr: 1 / i, recalled: true, at: i, by: 'reference' };
    if (target[i] === true) return { rr: 1 / (i + 1), recalled: true, at: i, by: 'target' };
  }
  return { rr: 0, recalled: false, at: null, by: null };
}

/** Static per-turn pass@1: the target's version t passed, or the reference's version 0 did. */
export function staticPassAt1ByTurn(tasks: { ref: readonly boolean[]; target: readonly boolean[] }[], maxTurns: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= maxTurns; t++) {
    out.push(tasks.length ? tasks.filter((x) => x.target[t] === true || x.ref[0] === true).length / tasks.length : 0);
  }
  return out;
}

/** Share of tasks whose scoring stopped at or before turn t, for t = 0..T (the recall-vs-turn curve). */
export function recallByTurn(stops: (number | null)[], maxTurns: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= maxTurns; t++) out.push(stops.length ? stops.filter((s) => s !== null && s <= t).length / stops.length : 0);
  return out;
}
