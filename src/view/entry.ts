import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hostname } from 'node:os';
import type { JournalCache } from '../compare/journal.js';
import { readRun, type LoadedRun } from '../compare/load.js';
import { readRunConfig, type RunConfigFile } from '../run/config.js';
import { LOCK_FILE } from '../run/lock.js';
import { pidAlive } from '../util/process.js';

export type EntryKind = LoadedRun['kind'] | 'unknown';
export type EntryStatus = 'running' | 'finished' | 'stopped' | 'unreadable';

/** One run directory as the viewer lists it: what it is, how far it got, its headline numbers. */
export interface RunEntry {
  /** Path below the viewed directory, '/'-separated: the run's id in URLs. */
  id: string;
  dir: string;
  kind: EntryKind;
  status: EntryStatus;
  /** One line: "running: 37 of 50 episodes", "finished, 2 errored episodes", the read error, ... */
  statusText: string;
  done: number;
  total?: number;
  errored: number;
  model: string;
  /** run-world/run-bench: the setting; run-reasoning: the task; run-repo: the benchmark; run-eval: the samples file. */
  setting: string;
  protocol: string;
  dataset: string;
  synthetic?: boolean;
  /** x1 shares (0..1) where the kind has them. */
  mrr?: number;
  recall?: number;
  passAtK: Record<string, number>;
  /** Torn last journal line and the like: shown next to the status. */
  warnings: string[];
  run?: LoadedRun;
  /** Listed from its summary alone; loadEntry() reads its records when a page needs them. */
  lazy?: boolean;
}

/** Journal of each kind: its lines are the progress of a run being written. */
export const JOURNAL: Record<LoadedRun['kind'], string> = {
  world: 'episodes.jsonl', bench: 'episodes.jsonl', reasoning: 'calls.jsonl', repo: 'results.jsonl', eval: 'eval_progress.jsonl',
};

/** Whether a live process holds the directory's lock (a run is writing it). */
function lockHeld(dir: string): boolean {
  const file = join(dir, LOCK_FILE);
  if (!existsSync(file)) return false;
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; host?: string };
    // Another host's lock cannot be checked: taken as held.
    return typeof h.pid === 'number' && (h.host !== hostname() || pidAlive(h.pid));
  } catch {
    return true; // being written this instant
  }
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x ? x : undefined);

/** Dataset name with its revision or hash when the run recorded them (newer runs do). */
export function datasetText(cfg: RunConfigFile, summary: Record<string, unknown>): string {
  const d = summary.dataset;
  const obj = d && typeof d === 'object' ? (d as Record<string, unknown>) : {};
  const name = str(obj.name) ?? str(d) ?? str(cfg.datasetName) ?? str(cfg.dataset) ?? str(cfg.tasks) ?? str(cfg.task) ?? '';
  const rev = str(obj.revision) ?? str(summary.dataset_revision) ?? str(cfg.datasetRevision);
  const sha = str(obj.sha256) ?? str(summary.dataset_sha256) ?? str(cfg.datasetSha256);
  return [name ? basename(name) : '', rev ? `@${rev}` : '', sha ? ` sha256:${sha.slice(0, 12)}` : ''].join('');
}

/** How the run was made, in a few words: the protocol fields the run recorded. */
export function protocolText(kind: EntryKind, cfg: RunConfigFile, summary: Record<string, unknown>): string {
  const p = summary.protocol;
  if (str(p)) return p as string;
  if (p && typeof p === 'object') return Object.entries(p).filter(([, v]) => v !== undefined && typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const parts: string[] = [];
  const add = (k: string, v: unknown): void => { if (v !== undefined && v !== null && typeof v !== 'object') parts.push(`${k}=${String(v)}`); };
  if (kind === 'world' || kind === 'bench') {
    add('history', summary.history ?? cfg.history);
    add('compat', summary.compat ?? cfg.compat);
    add('turn0', cfg.turn0Prompt);
    add('timeout', cfg.timeoutS);
    if (kind === 'bench') add('ref', summary.reference_model ?? cfg.referenceModel);
  } else if (kind === 'reasoning') {
    add('n', summary.n ?? cfg.n); add('T', summary.temperature ?? cfg.temperature); add('cot', summary.cot ?? cfg.cot); add('scorer', summary.scorer ?? cfg.scorer);
  } else if (kind === 'eval') {
    add('timeout', cfg.timeoutS); add('calibrated', cfg.calibrated);
  } else if (kind === 'repo') {
    add('max_iter', summary.max_iter ?? cfg.max_iter); add('timeout', cfg.timeout_s);
  }
  return parts.join(' ');
}

function readSummary(dir: string): Record<string, unknown> {
  for (const f of ['summary.json', 'results_summary.json']) {
    try {
      if (existsSync(join(dir, f))) return JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
    } catch { /* reported by readRun */ }
  }
  return {};
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/**
 * A finished run-world or run-bench run listed from its summary.json, without reading its journal
 * (hundreds of runs list in a blink); undefined when the summary lacks a field the list shows.
 */
function fromSummary(base: RunEntry, cfg: RunConfigFile, s: Record<string, unknown>): RunEntry | undefined {
  const kind = cfg.kind ?? (s.mode === 'static' ? 'bench' : 'world');
  const mrr = num(s.mrr);
  const recall = num(s.recall);
  const n = num(s.n_tasks);
  const byTurn = Array.isArray(s.pass_at_1_by_turn) ? (s.pass_at_1_by_turn as unknown[]).map(num) : [];
  if ((kind !== 'world' && kind !== 'bench') || mrr === undefined || recall === undefined || n === undefined || typeof s.model !== 'string' || typeof s.setting !== 'string') return undefined;
  const errored = num(s.n_errors) ?? 0;
  const last = byTurn[byTurn.length - 1];
  return {
    ...base, kind, status: 'finished', statusText: `finished: ${n + errored} episodes${errored ? `, ${errored} errored episode${errored > 1 ? 's' : ''}` : ''}`,
    done: n + errored, errored, model: s.model, setting: s.setting, synthetic: s.synthetic === true, protocol: protocolText(kind, cfg, s), dataset: datasetText(cfg, s),
    ...(n ? { mrr, recall } : {}), // pass@1 of the last turn: the code a conversation ends with.
    passAtK: last !== undefined && n ? { [`pass@1 turn ${byTurn.length - 1}`]: last } : {}, lazy: true,
  };
}

/** Reads the records of an entry listed from its summary; a failure turns it into an unreadable entry. */
export function loadEntry(e: RunEntry, journals?: JournalCache): RunEntry {
  if (!e.lazy) return e;
  const full = describeRun(e.dir, e.id, true, journals);
  Object.assign(e, full, { lazy: false });
  return e;
}

/** Reads one run directory for the viewer; a directory it cannot read becomes an entry saying why. */
export function describeRun(dir: string, id: string, full = false, journals?: JournalCache): RunEntry {
  const base: RunEntry = { id, dir, kind: 'unknown', status: 'unreadable', statusText: '', done: 0, errored: 0, model: '', setting: '', protocol: '', dataset: '', passAtK: {}, warnings: [] };
  const running = lockHeld(dir);
  let cfg: RunConfigFile = { version: 1 };
  let loaded: LoadedRun;
  try {
    cfg = readRunConfig(dir) ?? cfg;
    if (!full && !running && existsSync(join(dir, 'summary.json'))) {
      const quick = fromSummary(base, cfg, readSummary(dir));
      if (quick) return quick;
    }
    loaded = readRun(dir, journals ? { journals } : {});
  } catch (err) {
    // An unknown kind, a bad line mid-journal, a half-written summary: the entry says so.
    const text = (err as Error).message;
    return { ...base, status: running ? 'running' : 'unreadable', statusText: running ? `running; not readable yet: ${text}` : text, model: str(cfg.model) ?? '', setting: str(cfg.setting) ?? '' };
  }
  const summary = readSummary(dir);
  const e: RunEntry = { ...base, kind: loaded.kind, run: loaded, protocol: protocolText(loaded.kind, cfg, summary), dataset: datasetText(cfg, summary) };
  let finished = false;
  let unit = 'episodes';
  const limit = typeof cfg.limit === 'number' ? cfg.limit : Array.isArray(cfg.ids) ? cfg.ids.length : undefined;
  if (loaded.kind === 'world' || loaded.kind === 'bench') {
    const r = loaded.run;
    Object.assign(e, { model: r.model, setting: r.setting, synthetic: r.synthetic, done: r.tasks.length, errored: r.errored.length });
    if (r.tasks.length > r.errored.length) Object.assign(e, { mrr: r.mrr, recall: r.recall });
    if (r.passAt1ByTurn.length) e.passAtK[`pass@1 turn ${r.passAt1ByTurn.length - 1}`] = r.passAt1ByTurn[r.passAt1ByTurn.length - 1]!;
    if (r.tornLine) e.warnings.push(`episodes.jsonl line ${r.tornLine} is torn (${running ? 'being written' : 'an interrupted write'}); left out`);
    finished = !!r.finished;
    if (limit !== undefined) e.total = limit;
  } else if (loaded.kind === 'reasoning') {
    const r = loaded.run;
    unit = 'calls';
    Object.assign(e, { model: r.model, setting: r.task, synthetic: r.synthetic, done: r.finished ? r.items.length : r.calls });
    for (const [k, v] of Object.entries(r.passAtK)) e.passAtK[k.replace('pass_at_', 'pass@')] = v / 100;
    finished = r.finished;
    if (finished) unit = 'items';
    else if (limit !== undefined) e.total = limit * r.n;
  } else if (loaded.kind === 'repo') {
    const r = loaded.run;
    unit = 'items';
    Object.assign(e, { model: r.model, setting: r.benchmark, synthetic: r.synthetic, done: r.items.length });
    e.passAtK['pass rate'] = r.summary.num_datapoints ? r.items.filter((i) => i.passedAt !== null).length / r.items.length : 0;
    finished = true;
  } else if (loaded.kind === 'eval') {
    const r = loaded.run;
    unit = 'samples';
    Object.assign(e, { model: r.samples, setting: r.dataset, done: r.finished ? r.tasks.reduce((a, t) => a + t.statuses.length, 0) : r.judged });
    for (const [k, v] of Object.entries(r.passAtK)) e.passAtK[k] = v;
    finished = r.finished;
  }
  const progress = `${e.done}${e.total !== undefined ? ` of ${e.total}` : ''} ${unit}`;
  const errs = e.errored ? `, ${e.errored} errored episode${e.errored > 1 ? 's' : ''}` : '';
  if (running) {
    e.status = 'running';
    e.statusText = `running: ${progress}${errs}`;
  } else if (finished) {
    e.status = 'finished';
    e.statusText = `finished: ${progress}${errs}`;
  } else {
    e.status = 'stopped';
    e.statusText = `stopped at ${progress}${errs} (no summary written: interrupted or failed)`;
  }
  return e;
}

/** A fingerprint of the files a run's view depends on: equal fingerprints, equal entries. */
export function fingerprint(dir: string): string {
  const parts: string[] = [];
  for (const f of ['config.yaml', LOCK_FILE, 'summary.json', 'results_summary.json', 'eval_results.json', 'scored.json', 'episodes.jsonl', 'calls.jsonl', 'results.jsonl', 'eval_progress.jsonl']) {
    try {
      const s = statSync(join(dir, f));
      parts.push(`${f}:${s.size}:${s.mtimeMs}`);
    } catch { /* absent */ }
  }
  return parts.join('|');
}
