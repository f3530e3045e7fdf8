import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ZodType, ZodTypeDef } from 'zod';
import { UserError } from '../util/errors.js';
import { activeRuns, type ActiveRun } from './active.js';
import { writeJsonAtomic } from './atomic.js';
import { checkIdentity, checkKind, readRunConfig, writeRunConfig, type RunKind } from './config.js';
import { versioned } from './format.js';
import { Journal } from './journal.js';
import { LOCK_FILE, lockRunDir, type RunLock } from './lock.js';

export interface RunDirOptions {
  dir: string;
  kind: RunKind;
  /** Values that define the results: a directory holding results for other values is refused. */
  identity: Record<string, unknown>;
  /** Everything written to config.yaml (identity included). */
  config: Record<string, unknown>;
  /** The journal whose presence means the directory holds results (identity is checked then). */
  journal: string;
  /** How the user named the directory, for errors: "--out" (default), or where a default came from. */
  named?: string;
  /** A directory holding only this command's journal and no config.yaml (written before it had one) is taken over. */
  adopt?: boolean;
}

/** What one process did in a run directory (run-stats.json; not part of the results). */
export type RunStats = Record<string, unknown>;

/** Files any command writes as results: their presence means the directory is somebody's run. */
const RESULT_FILES = ['episodes.jsonl', 'calls.jsonl', 'eval_progress.jsonl', 'results.jsonl', 'summary.json', 'scored.json', 'eval_results.json', 'generations.json', 'run-stats.json'];
/** Files that say nothing was saved yet. */
const BOOKKEEPING = new Set(['config.yaml', 'run.log', LOCK_FILE]);

/**
 * A run directory for the lifetime of one run: checked against the kind and identity it was
 * started with before anything is written, locked against a second process, and the single
 * writer of its record files. A directory this process made and saved nothing in is removed on close.
 */
export class RunDir implements ActiveRun {
  private plan_: { total: number; saved: number; unit: string } | undefined;
  private closed = false;

  private constructor(readonly dir: string, private readonly lock: RunLock, private readonly made: string | undefined, readonly kind: RunKind) {}

  static open(o: RunDirOptions): RunDir {
    const named = o.named ?? '--out';
    const made = firstMissing(o.dir);
    if (!made) checkDir(o); // another command's directory is refused before anything is written in it
    ensureDir(o.dir, named);
    checkWritable(o.dir, named);
    const lock = lockRunDir(o.dir);
    try {
      checkDir(o); // again, under the lock
      writeRunConfig(o.dir, o.kind, o.config);
    } catch (err) {
      lock.release();
      if (made) removeEmpty(o.dir, made);
      throw err;
    }
    const rd = new RunDir(o.dir, lock, made, o.kind);
    activeRuns.add(rd);
    return rd;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** The work of this run: `total` items, `saved` of them already in the journal (for the interrupt message). */
  plan(total: number, saved: number, unit = 'episodes'): void {
    this.plan_ = { total, saved, unit };
  }

  /** A journal whose appends of records without an `error` count as saved items. */
  journal<T>(name: string, schema: ZodType<T, ZodTypeDef, unknown>, versioned = true): Journal<T> {
    return new Journal(this.path(name), schema, (rec) => {
      if (this.plan_ && !(rec as { error?: unknown }).error) this.plan_.saved++;
    }, versioned);
  }

  /** A result file (summary.json, scored.json, ...), with the format version, written whole. */
  writeJson(name: string, value: object, indent = 2): string {
    const file = this.path(name);
    writeJsonAtomic(file, versioned(value), indent);
    return file;
  }

  writeStats(stats: RunStats): void {
    this.writeJson('run-stats.json', stats);
  }

  interruptNote(): string {
    const p = this.plan_;
    const what = p ? `${Math.min(p.saved, p.total)} of ${p.total} ${p.unit} saved in ${this.dir}` : `nothing saved yet in ${this.dir}`;
    return `interrupted: ${what}; rerun the same command to resume`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    activeRuns.delete(this);
    this.lock.release();
    if (this.made) removeEmpty(this.dir, this.made);
  }
}

/** The top-most directory of `dir`'s path that does not exist yet (undefined when `dir` exists). */
function firstMissing(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing = d;
    if (dirname(d) === d) break;
  }
  return missing;
}

/** Refuses a directory of another command or of other identity values, and foreign results without a config. */
function checkDir(o: RunDirOptions): void {
  if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) return;
  const results = RESULT_FILES.filter((f) => existsSync(join(o.dir, f)));
  if (existsSync(join(o.dir, o.journal)) && !results.includes(o.journal)) results.unshift(o.journal);
  const prev = readRunConfig(o.dir);
  if (!prev) {
    if (o.adopt && results.every((f) => f === o.journal)) return;
    if (results.length) throw new UserError('RUN_MISMATCH', `${o.dir} holds results (${results.join(', ')}) but no config.yaml saying what produced them; use another --out`);
    return;
  }
  checkKind(o.dir, prev, o.kind);
  if (results.length) checkIdentity(o.dir, o.kind, o.identity);
}

/** Whether this process's run saved nothing: only config.yaml, run.log, the lock and empty files. */
function savedNothing(dir: string): boolean {
  if (!existsSync(dir)) return true;
  return readdirSync(dir, { withFileTypes: true }).every((e) => BOOKKEEPING.has(e.name) || (e.isFile() && statSync(join(dir, e.name)).size === 0));
}

/** Removes `dir` when nothing was saved in it, then its parents up to `top` while they are empty. */
function removeEmpty(dir: string, top: string): void {
  if (!savedNothing(dir)) return;
  rmSync(dir, { recursive: true, force: true });
  const stop = resolve(top);
  for (let d = dirname(resolve(dir)); d.startsWith(stop) && d !== dirname(d); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: somebody else's files
    }
    if (d === stop) return;
  }
}

/** A directory the user cannot write is named in one line, before any work is done. */
function checkWritable(dir: string, named: string): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EACCES';
    throw new UserError('BAD_OUT', `${named} ${dir}: not writable by this user (${code}); use another directory`);
  }
}

/** Creates the directory; a path that exists as a file (or cannot be made) is the user's mistake. */
export function ensureDir(dir: string, named = '--out'): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError('NOT_A_DIRECTORY', `${named} ${dir}: exists and is not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST' || e.code === 'ENOTDIR' || e.code === 'EACCES' || e.code === 'EROFS') {
      throw new UserError('BAD_OUT', `${named} ${dir}: cannot create the directory (${e.code})`);
    }
    throw err;
  }
}
