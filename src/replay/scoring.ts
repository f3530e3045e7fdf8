/**
 * ConvCodeBench static scoring of one task.
 *
 * `ref[k]`: frozen label of the reference's code version k; `target[i]`: the target's version i
 * (its own generation at 0, its refinement of the reference's version i-1 afterwards).
 * Score 1 when the reference's version 0 passes. Otherwise for i = start..T (start 0 with
 * compensateInit, the default; 1 without, as the original's flag off): if i >= 1 and ref[i-1]
 * passed, score 1/i and stop; else if target[i] passed, score 1/(i+1) and stop.
 * Recall runs the same loop with score 1, always from turn 0.
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
  const walk = (start: number): { i: number; by: 'reference' | 'target' } | null => {
    for (let i = start; i <= maxTurns; i++) {
      if (i >= 1 && ref[i - 1] === true) return { i, by: 'reference' };
      if (target[i] === true) return { i, by: 'target' };
    }
    return null;
  };
  // Only MRR's loop start depends on compensate_init; recall always starts at turn 0 (as the original).
  const m = walk(compensateInit ? 0 : 1);
  const r = compensateInit ? m : walk(0);
  const rr = m ? (m.by === 'reference' ? 1 / m.i : 1 / (m.i + 1)) : 0;
  return { rr, recalled: !!r, at: m ? m.i : null, by: m ? m.by : null };
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
