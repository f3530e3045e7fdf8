import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SETTING_NAMES } from '../episode/settings.js';
import type { EpisodeRecord, TurnRecord } from '../episode/record.js';
import { firstPass, passAt1ByTurn } from '../metrics/live.js';
import { recallByTurn, staticPassAt1ByTurn, staticScore } from '../replay/scoring.js';
import { targetVector } from '../replay/summary.js';
import type { StaticEpisodeRecord, StaticTurnRecord } from '../replay/types.js';
import { AnyEpisodeRecordSchema, RunSummarySchema } from '../replay/record-schema.js';
import { UserError } from '../util/errors.js';
import { readJsonFile } from '../util/files.js';
import { isRepoRunDir } from './repo.js';
import type { UsageCounts } from '../world/summary.js';
import { readJsonlTolerant } from '../util/jsonl.js';

/** One turn as the report shows it: the code it refined, the feedback, the code it produced. */
export interface ViewTurn {
  turn: number;
  code: string;
  status: string;
  tests?: Record<string, 'pass' | 'fail'>;
  copied?: boolean;
  unchanged?: boolean;
  feedback?: { compilation?: string; execution?: string; user?: string; replayed?: boolean };
  /** The code this turn revised (live: the previous turn; static: the reference's turn i-1). */
  input?: { label: string; code: string; status: string; tests?: Record<string, 'pass' | 'fail'> };
}

export interface TaskOutcome {
  task_id: string;
  /** Reciprocal rank (live: 1/(t*+1); static: ConvCodeBench scoring). */
  rr: number;
  recalled: boolean;
  /** Turn at which the task counted as solved, or null. */
  stop: number | null;
  error?: string;
  turns: ViewTurn[];
}

export interface RunData {
  dir: string;
  label: string;
  mode: 'live' | 'static';
  model: string;
  setting: string;
  referenceModel?: string;
  compensateInit?: boolean;
  maxTurns: number;
  synthetic: boolean;
  /** Every task with a record; errored ones carry `error` and are left out of the metrics. */
  tasks: TaskOutcome[];
  /** Tasks whose episode errored (not the model's failure: a rerun retries them). */
  errored: string[];
  /** Over the completed tasks. */
  mrr: number;
  recall: number;
  passAt1ByTurn: number[];
  recallByTurn: number[];
  /** Calls and tokens per role from summary.json (cached answers included), when it records them. */
  usage?: Record<'coder' | 'user', RoleCost>;
}

export type RoleCost = UsageCounts;

/** Run directories among the arguments: a directory with summary.json (or run-repo's results_summary.json), or those found below it (3 levels). */
export function expandRunDirs(args: string[]): string[] {
  const out: string[] = [];
  const below = (dir: string, depth: number): string[] => {
    if (existsSync(join(dir, 'summary.json')) || isRepoRunDir(dir)) return [dir];
    if (depth === 0) return [];
    return readdirSync(dir).sort().map((k) => join(dir, k)).filter((k) => statSync(k).isDirectory()).flatMap((k) => below(k, depth - 1));
  };
  for (const a of args) {
    const dir = resolve(a);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('ENOENT', `${a}: no such run directory`);
    const found = below(dir, 3);
    if (!found.length) throw new UserError('BAD_RUN', `${a}: not a run directory (no summary.json or results_summary.json in it or below it)`);
    out.push(...found);
  }
  return [...new Set(out)];
}

/** Reads a run-world or run-bench directory and recomputes per-task outcomes from its records. */
export function loadRun(dir: string): RunData {
  const sFile = join(dir, 'summary.json');
  if (!existsSync(sFile)) throw new UserError('BAD_RUN', `${dir}: no summary.json`);
  const s = readJsonFile(sFile, RunSummarySchema, 'run-world or run-bench summary');
  const mode = s.mode === 'static' ? 'static' : 'live';
  const T = s.max_turns;
  const records = new Map<string, EpisodeRecord | StaticEpisodeRecord>();
  for (const r of readJsonlTolerant(join(dir, 'episodes.jsonl'), AnyEpisodeRecordSchema)) records.set(r.task_id, r);
  const tasks: TaskOutcome[] = [];
  const staticVectors: { ref: boolean[]; target: boolean[] }[] = [];
  const liveVectors: boolean[][] = [];
  for (const r of records.values()) {
    let rr: number;
    let stop: number | null;
    if (mode === 'static') {
      if (!('reference_pass' in r)) throw new UserError('BAD_RUN', `${dir}: episode ${r.task_id} is not a run-bench record`);
      const sr = r;
      const target = targetVector(sr, T);
      if (!r.error) staticVectors.push({ ref: sr.reference_pass, target });
      const sc = staticScore(sr.reference_pass, target, T, s.compensate_init ?? true);
      rr = sc.rr;
      stop = sc.at;
    } else {
      const v = r.turns.map((t) => t.status === 'pass');
      if (!r.error) liveVectors.push(v);
      const f = firstPass(v);
      rr = f < 0 ? 0 : 1 / (f + 1);
      stop = f < 0 ? null : f;
    }
    tasks.push({ task_id: r.task_id, rr, recalled: stop !== null, stop, ...(r.error ? { error: r.error } : {}), turns: viewTurns(r, mode) });
  }
  // Task order fixed by id, not by finishing order, so that bootstrap intervals repeat across reruns.
  tasks.sort((a, b) => a.task_id.localeCompare(b.task_id, 'en', { numeric: true }));
  const scored = tasks.filter((t) => !t.error);
  const n = scored.length;
  return {
    dir,
    label: (SETTING_NAMES as readonly string[]).includes(basename(dir)) ? `${basename(dirname(dir))}/${basename(dir)}` : basename(dir),
    mode,
    model: s.model,
    setting: s.setting,
    ...(s.reference_model ? { referenceModel: s.reference_model } : {}),
    ...(mode === 'static' ? { compensateInit: s.compensate_init ?? true } : {}),
    maxTurns: T,
    synthetic: !!s.synthetic,
    tasks,
    errored: tasks.filter((t) => t.error).map((t) => t.task_id),
    mrr: n ? scored.reduce((a, t) => a + t.rr, 0) / n : 0,
    recall: n ? scored.filter((t) => t.recalled).length / n : 0,
    // No completed episode: empty series, shown as n/a and not drawn (every task errored).
    passAt1ByTurn: !n ? [] : mode === 'static' ? staticPassAt1ByTurn(staticVectors, T) : passAt1ByTurn(liveVectors, T),
    recallByTurn: n ? recallByTurn(scored.map((t) => t.stop), T) : [],
    ...(s.usage ? { usage: { coder: roleCost(s.usage.coder), user: roleCost(s.usage.user) } } : {}),
  };
}

function roleCost(u?: Partial<RoleCost>): RoleCost {
  const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return { calls: n(u?.calls), input_tokens: n(u?.input_tokens), output_tokens: n(u?.output_tokens) };
}

function viewTurns(r: EpisodeRecord | StaticEpisodeRecord, mode: 'live' | 'static'): ViewTurn[] {
  const turns = r.turns as (TurnRecord | StaticTurnRecord)[];
  return turns.map((t, k) => {
    const v: ViewTurn = { turn: t.turn, code: t.code, status: t.status };
    if (t.tests) v.tests = t.tests;
    if (t.copied) v.copied = true;
    if (t.unchanged) v.unchanged = true;
    if (t.feedback) {
      const f = t.feedback as StaticTurnRecord['feedback'] & object;
      v.feedback = {
        ...(f.compilation !== undefined ? { compilation: f.compilation } : {}),
        ...(f.execution !== undefined ? { execution: f.execution } : {}),
        ...(f.user !== undefined ? { user: f.user } : {}),
        ...(f.replayed ? { replayed: true } : {}),
      };
    }
    const si = (t as StaticTurnRecord).input;
    if (mode === 'static' && si) {
      v.input = { label: `reference turn ${si.turn}`, code: si.code, status: si.status, ...(si.tests ? { tests: si.tests } : {}) };
    } else if (mode === 'live' && k > 0) {
      const p = turns[k - 1]!;
      v.input = { label: `turn ${p.turn}`, code: p.code, status: p.status, ...(p.tests ? { tests: p.tests } : {}) };
    }
    return v;
  });
}
