import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SETTING_NAMES } from '../episode/settings.js';
import type { EpisodeRecord } from '../episode/record.js';
import { firstPass, passAt1ByTurn } from '../metrics/live.js';
import { recallByTurn, staticPassAt1ByTurn, staticScore } from '../replay/scoring.js';
import { targetVector } from '../replay/summary.js';
import type { StaticEpisodeRecord } from '../replay/types.js';
import { RunSummarySchema, type RunSummaryFile } from '../replay/record-schema.js';
import { UserError } from '../util/errors.js';
import { readJsonFile } from '../util/files.js';
import { isRepoRunDir, loadRepoRun, type RepoRunData } from './repo.js';
import { kindOf, readRunConfig, type RunConfigFile, type RunKind } from '../run/config.js';
import { loadEvalRun, type EvalRunData } from './eval.js';
import { checkEpisode, lazyTurns, type ViewTurn } from './episodes.js';
import { scanJournal, type JournalCache } from './journal.js';
import { loadReasoningRun, type ReasoningRunData } from './reasoning.js';
import type { UsageCounts } from '../world/summary.js';
import { ComparabilitySchema, type Comparability } from '../world/comparability.js';

export type { ViewTurn } from './episodes.js';

export interface TaskOutcome {
  task_id: string;
  /** Reciprocal rank (live: 1/(t*+1); static: ConvCodeBench scoring). */
  rr: number;
  recalled: boolean;
  /** Turn at which the task counted as solved, or null. */
  stop: number | null;
  error?: string;
  /** Turns recorded (known without building `turns`). */
  nTurns: number;
  /** Built, and the record checked against its full schema, when first read: a bad record fails here (file:line). */
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
  /** Data set the run read (a name such as bigcodebench@v0.1.0_hf, or a file's name), from summary.json. */
  dataset?: string;
  /** Every task with a record; errored ones carry `error` (scored as unsolved or left out, as erroredScored says). */
  tasks: TaskOutcome[];
  /** Tasks whose episode errored (not the model's failure: a rerun retries them). */
  errored: string[];
  /** Over all tasks when erroredScored, else over the completed ones. */
  mrr: number;
  recall: number;
  passAt1ByTurn: number[];
  recallByTurn: number[];
  /** What decides comparability (protocol, turn-0 prompt, time limit, turns, simulator, prompts), when the run recorded it. */
  comparability?: Comparability;
  /** Errored episodes count as unsolved in the metrics (the protocol's rule); else they are left out. */
  erroredScored: boolean;
  /** Calls and tokens per role from summary.json (cached answers included), when it records them. */
  usage?: Record<'coder' | 'user', RoleCost>;
  /** summary.json written (a run being written, or stopped before its end, has none). */
  finished?: boolean;
  /** Line number of a torn last journal line (an interrupted or ongoing write), left out. */
  tornLine?: number;
}

export type RoleCost = UsageCounts;

/** A directory holds a run: what one of the five commands writes first or last. */
export const isRunDir = (dir: string): boolean => ['config.yaml', 'summary.json', 'results_summary.json', 'eval_results.json'].some((f) => existsSync(join(dir, f)));

/** Run directories among the arguments: a directory with config.yaml or a summary, or those found below it (3 levels). */
export function expandRunDirs(args: string[]): string[] {
  const out: string[] = [];
  const below = (dir: string, depth: number): string[] => {
    if (isRunDir(dir)) return [dir];
    if (depth === 0) return [];
    return readdirSync(dir).sort().map((k) => join(dir, k)).filter((k) => statSync(k).isDirectory()).flatMap((k) => below(k, depth - 1));
  };
  for (const a of args) {
    const dir = resolve(a);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('ENOENT', `${a}: no such run directory`);
    const found = below(dir, 3);
    if (!found.length) throw new UserError('BAD_RUN', `${a}: not a run directory (no config.yaml, summary.json or results_summary.json in it or below it)`);
    out.push(...found);
  }
  return [...new Set(out)];
}

/** Any run directory, read by the loader of the command that wrote it. */
export type LoadedRun =
  | { kind: 'world' | 'bench'; run: RunData }
  | { kind: 'reasoning'; run: ReasoningRunData }
  | { kind: 'repo'; run: RepoRunData }
  | { kind: 'eval'; run: EvalRunData };

/** The command that wrote a directory: config.yaml's `kind`; directories older than `kind` by their files. */
export function runKindOf(dir: string): RunKind {
  const cfg = readRunConfig(dir);
  if (cfg?.kind) return cfg.kind;
  if (isRepoRunDir(dir) || existsSync(join(dir, 'results.jsonl'))) return 'repo';
  if (existsSync(join(dir, 'eval_results.json')) || existsSync(join(dir, 'eval_progress.jsonl'))) return 'eval';
  if (existsSync(join(dir, 'calls.jsonl')) || existsSync(join(dir, 'scored.json'))) return 'reasoning';
  if (cfg) return kindOf(cfg);
  if (existsSync(join(dir, 'summary.json'))) {
    const s = readJsonFile(join(dir, 'summary.json'), RunSummarySchema.partial().passthrough(), 'summary');
    return s.mode === 'static' ? 'bench' : 'pass_at_k' in s ? 'reasoning' : 'world';
  }
  throw new UserError('BAD_RUN', `${dir}: not a run directory of a known kind (no config.yaml, no summary)`);
}

/** How a run is read: a cache of journals already read (the viewer keeps one; a one-off read needs none). */
export interface ReadOptions {
  journals?: JournalCache;
}

/** Reads any run directory, dispatching on its kind. */
export function readRun(dir: string, o: ReadOptions = {}): LoadedRun {
  const kind = runKindOf(dir);
  switch (kind) {
    case 'world':
    case 'bench': return { kind, run: loadRun(dir, o) };
    case 'reasoning': return { kind, run: loadReasoningRun(dir) };
    case 'repo': return { kind, run: loadRepoRun(dir) };
    case 'eval': return { kind, run: loadEvalRun(dir) };
    // A re-scored published file is read as a reasoning run; synthesis output has no scores to show.
    case 'score': return { kind: 'reasoning', run: loadReasoningRun(dir) };
    case 'synth': throw new UserError('BAD_RUN', `${dir}: a Case2Code synthesis directory (data, not a scored run)`);
  }
}

/** What summary.json says, for a run-world or run-bench run that has not written it yet. */
function summaryFromConfig(dir: string, c: RunConfigFile): RunSummaryFile {
  const str = (x: unknown): string => (typeof x === 'string' ? x : '?');
  const maxTurns = typeof c.maxTurns === 'number' ? c.maxTurns : 0;
  if (typeof c.maxTurns !== 'number') throw new UserError('BAD_RUN', `${dir}: config.yaml has no maxTurns and there is no summary.json`);
  const bench = kindOf(c) === 'bench';
  return {
    ...(bench ? { mode: 'static' as const } : {}), model: str(c.model), setting: str(c.setting), max_turns: maxTurns,
    // Offline models are the synthetic ones; the summary says so once written.
    synthetic: str(c.model).startsWith('offline') || str(c.userModel).startsWith('offline'),
    ...(bench && typeof c.referenceModel === 'string' ? { reference_model: c.referenceModel } : {}),
    ...(bench && typeof c.compensateInit === 'boolean' ? { compensate_init: c.compensateInit } : {}),
  };
}

/** Reads a run-world or run-bench directory and recomputes per-task outcomes from its records; a run
 * still being written (no summary.json yet) is read from its config.yaml and journal. */
export function loadRun(dir: string, o: ReadOptions = {}): RunData {
  const sFile = join(dir, 'summary.json');
  const cfg = readRunConfig(dir);
  if (!existsSync(sFile) && !cfg) throw new UserError('BAD_RUN', `${dir}: no summary.json`);
  const s = existsSync(sFile) ? readJsonFile(sFile, RunSummarySchema, 'run-world or run-bench summary') : summaryFromConfig(dir, cfg!);
  const mode = s.mode === 'static' ? 'static' : 'live';
  const T = s.max_turns;
  const erroredScored = s.errored_scored === true;
  const comp = ComparabilitySchema.safeParse(s.comparability);
  const file = join(dir, 'episodes.jsonl');
  const journal = scanJournal<EpisodeRecord | StaticEpisodeRecord>(file, checkEpisode, o.journals);
  // The last record of a task wins (a rerun's); its line names it in errors found when it is shown.
  const records = new Map<string, { r: EpisodeRecord | StaticEpisodeRecord; line: number }>();
  journal.records.forEach((r, i) => records.set(r.task_id, { r, line: journal.lines[i]! }));
  const tasks: TaskOutcome[] = [];
  const staticVectors: { ref: boolean[]; target: boolean[] }[] = [];
  const liveVectors: boolean[][] = [];
  for (const { r, line } of records.values()) {
    let rr: number;
    let stop: number | null;
    if (mode === 'static') {
      if (!('reference_pass' in r)) throw new UserError('BAD_RUN', `${dir}: episode ${r.task_id} is not a run-bench record`);
      const sr = r;
      const target = targetVector(sr, T);
      if (!r.error || erroredScored) staticVectors.push({ ref: sr.reference_pass, target });
      const sc = staticScore(sr.reference_pass, target, T, s.compensate_init ?? true);
      rr = sc.rr;
      stop = sc.at;
    } else {
      const v = r.turns.map((t) => t.status === 'pass');
      if (!r.error || erroredScored) liveVectors.push(v);
      const f = firstPass(v);
      rr = f < 0 ? 0 : 1 / (f + 1);
      stop = f < 0 ? null : f;
    }
    tasks.push(lazyTurns({ task_id: r.task_id, rr, recalled: stop !== null, stop, ...(r.error ? { error: r.error } : {}), nTurns: r.turns.length }, r, mode, `${file}:${line}`));
  }
  // Task order fixed by id, not by finishing order, so that bootstrap intervals repeat across reruns.
  tasks.sort((a, b) => a.task_id.localeCompare(b.task_id, 'en', { numeric: true }));
  const scored = erroredScored ? tasks : tasks.filter((t) => !t.error);
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
    ...(comp.success ? { comparability: comp.data } : {}),
    erroredScored,
    ...(typeof s.dataset === 'string' ? { dataset: s.dataset } : {}),
    tasks,
    errored: tasks.filter((t) => t.error).map((t) => t.task_id),
    mrr: n ? scored.reduce((a, t) => a + t.rr, 0) / n : 0,
    recall: n ? scored.filter((t) => t.recalled).length / n : 0,
    // No completed episode: empty series, shown as n/a and not drawn (every task errored).
    passAt1ByTurn: !n ? [] : mode === 'static' ? staticPassAt1ByTurn(staticVectors, T) : passAt1ByTurn(liveVectors, T),
    recallByTurn: n ? recallByTurn(scored.map((t) => t.stop), T) : [],
    ...(s.usage ? { usage: { coder: roleCost(s.usage.coder), user: roleCost(s.usage.user) } } : {}),
    finished: existsSync(sFile),
    ...(journal.torn ? { tornLine: journal.torn } : {}),
  };
}

function roleCost(u?: Partial<RoleCost>): RoleCost {
  const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return { calls: n(u?.calls), input_tokens: n(u?.input_tokens), output_tokens: n(u?.output_tokens) };
}
