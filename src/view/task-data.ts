import { lineDiff, splitLines, type DiffOp } from '../compare/diff.js';
import type { RunData, TaskOutcome } from '../compare/load.js';
import type { RunEntry } from './entry.js';

/** One turn as the task page draws it (short keys: a static snapshot carries thousands). */
export interface TurnJson {
  t: number;
  st: string;
  c: string;
  /** The code this turn revised, only when it is not the previous turn's (a replay's reference turn). */
  ic?: string;
  il?: string;
  ist?: string;
  d: DiffOp[];
  cp?: 1;
  un?: 1;
  fb?: { c?: string; e?: string; u?: string; r?: 1; leak?: number; flag?: 1 };
  /** Tests passed / run. */
  tp?: [number, number];
  tok?: { coder?: [number, number]; user?: [number, number] };
}

export interface TaskJson {
  run: string;
  name: string;
  id: string;
  rr: number;
  stop: number | null;
  err?: string;
  turns: TurnJson[];
}

/** A task of a run-world or run-bench run, with each turn's diff against the code it revised. */
export function taskJson(e: RunEntry, runName: string, t: TaskOutcome): TaskJson {
  const turns = t.turns.map((v, k): TurnJson => {
    const prev = k > 0 ? t.turns[k - 1]!.code : '';
    const input = v.input?.code ?? (k > 0 ? prev : '');
    const out: TurnJson = { t: v.turn, st: v.status, c: v.code, d: lineDiff(splitLines(input), splitLines(v.code)) };
    if (v.input && v.input.code !== prev) out.ic = v.input.code;
    if (v.input) { out.il = v.input.label; out.ist = v.input.status; }
    if (v.copied) out.cp = 1;
    if (v.unchanged) out.un = 1;
    const f = v.feedback;
    if (f) {
      out.fb = {
        ...(f.compilation !== undefined ? { c: f.compilation } : {}), ...(f.execution !== undefined ? { e: f.execution } : {}),
        ...(f.user !== undefined ? { u: f.user } : {}), ...(f.replayed ? { r: 1 as const } : {}),
        ...(f.leakScore !== undefined ? { leak: f.leakScore } : {}), ...(f.leakFlagged ? { flag: 1 as const } : {}),
      };
    }
    if (v.tests) { const vals = Object.values(v.tests); out.tp = [vals.filter((x) => x === 'pass').length, vals.length]; }
    if (v.tokens) out.tok = v.tokens;
    return out;
  });
  return { run: e.id, name: runName, id: t.task_id, rr: t.rr, stop: t.stop, ...(t.error ? { err: t.error } : {}), turns };
}

/** The tasks of a conversation run (run-world or run-bench), or undefined for other kinds. */
export function convRun(e: RunEntry | undefined): RunData | undefined {
  return e?.run && (e.run.kind === 'world' || e.run.kind === 'bench') ? e.run.run : undefined;
}
