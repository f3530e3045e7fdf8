/** Per-task pass/fail of the full hidden tests on code versions 0..T (index = turn). */
export type PassVector = boolean[];

/** First passing version, or -1. */
export function firstPass(v: PassVector): number {
  return v.findIndex(Boolean);
}

/**
 * MRR over the tasks given: 1/(t*+1) for the first passing version t*, 0 when none passes. Which
 * tasks are given (errored episodes too, as unsolved, under convcodeworld) is the summary's choice.
 */
export function mrr(tasks: PassVector[]): number {
  if (tasks.length === 0) return 0;
  return tasks.reduce((s, v) => {
    const t = firstPass(v);
    return s + (t < 0 ? 0 : 1 / (t + 1));
  }, 0) / tasks.length;
}

/** Fraction of tasks with any passing version. */
export function recall(tasks: PassVector[]): number {
  if (tasks.length === 0) return 0;
  return tasks.filter((v) => firstPass(v) >= 0).length / tasks.length;
}

/**
 * Per-turn pass@1: at turn t a task counts if version t passed or version 0 passed (the spec's
 * turn-0 rule). A solved episode copies its passing code forward, so version t passes for t >= t*;
 * a vector shorter than maxTurn+1 repeats its last version.
 */
export function passAt1ByTurn(tasks: PassVector[], maxTurn: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= maxTurn; t++) {
    if (tasks.length === 0) { out.push(0); continue; }
    const n = tasks.filter((v) => {
      const at = v.length ? v[Math.min(t, v.length - 1)]! : false;
      return at || v[0] === true;
    }).length;
    out.push(n / tasks.length);
  }
  return out;
}

/** x100 with one decimal, as the paper prints. */
export function pct(x: number): string {
  return (x * 100).toFixed(1);
}
