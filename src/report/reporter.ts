/**
 * The one event interface of every run (run-world, run-bench, run-reasoning, run-eval, run-repo,
 * the Case2Code synthesis): a reporter implements the hooks it cares about, as vitest's reporters do.
 * The core calls them and imports nothing of a terminal; the CLI hangs progress lines and tables here.
 * `phase` names what is being counted: a setting of run-bench, 'generate' or 'score' of
 * run-reasoning, a synthesis stage, or the command itself for single-phase runs.
 */
export interface Reporter<Rec = unknown, TurnRec = unknown, Sum = unknown> {
  /** A phase starts: `total` items, of which `resumed` were finished by an earlier invocation. */
  onRunStart?(e: { phase: string; runDir?: string; total: number; resumed: number }): void;
  /** Items of a phase done so far, for phases that have no record per item (judging, generating). */
  onProgress?(e: { phase: string; done: number; total: number; note?: string }): void;
  /** One turn of a multi-turn item (an episode, a repo task) is finished. */
  onTurn?(e: { phase: string; id: string; turn: TurnRec }): void;
  /** One item is finished and recorded. */
  onItemEnd?(e: { phase: string; record: Rec; done: number; total: number }): void;
  /** A phase ends; runs with a summary pass it. */
  onRunEnd?(e: { phase: string; summary?: Sum }): void;
}

/** Every hook of every reporter, in order; undefined reporters are skipped. */
export function combineReporters<R, T, S>(...reporters: Array<Reporter<R, T, S> | undefined>): Reporter<R, T, S> {
  const rs = reporters.filter((r): r is Reporter<R, T, S> => !!r);
  return {
    onRunStart: (e) => rs.forEach((r) => r.onRunStart?.(e)),
    onProgress: (e) => rs.forEach((r) => r.onProgress?.(e)),
    onTurn: (e) => rs.forEach((r) => r.onTurn?.(e)),
    onItemEnd: (e) => rs.forEach((r) => r.onItemEnd?.(e)),
    onRunEnd: (e) => rs.forEach((r) => r.onRunEnd?.(e)),
  };
}
