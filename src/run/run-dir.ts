import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodType, ZodTypeDef } from 'zod';
import { UserError } from '../util/errors.js';
import { writeJsonAtomic } from './atomic.js';
import { checkIdentity, writeRunConfig, type RunKind } from './config.js';
import { versioned } from './format.js';
import { Journal } from './journal.js';
import { lockRunDir, type RunLock } from './lock.js';

export interface RunDirOptions {
  dir: string;
  kind: RunKind;
  /** Values that define the results: a directory holding results for other values is refused. */
  identity: Record<string, unknown>;
  /** Everything written to config.yaml (identity included). */
  config: Record<string, unknown>;
  /** The journal whose presence means the directory holds results (identity is checked then). */
  journal: string;
}

/** What one process did in a run directory (run-stats.json; not part of the results). */
export type RunStats = Record<string, unknown>;

/**
 * A run directory for the lifetime of one run: created, locked against a second process, checked
 * against the identity it was started with, and the single writer of its record files.
 */
export class RunDir {
  private constructor(readonly dir: string, private readonly lock: RunLock) {}

  static open(o: RunDirOptions): RunDir {
    ensureDir(o.dir);
    const lock = lockRunDir(o.dir);
    try {
      if (existsSync(join(o.dir, o.journal))) {
        if (!existsSync(join(o.dir, 'config.yaml'))) {
          throw new UserError('RUN_MISMATCH', `${o.dir} holds results (${o.journal}) but no config.yaml saying what produced them; use another --out`);
        }
        checkIdentity(o.dir, o.kind, o.identity);
      }
      writeRunConfig(o.dir, o.kind, o.config);
    } catch (err) {
      lock.release();
      throw err;
    }
    return new RunDir(o.dir, lock);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  journal<T>(name: string, schema: ZodType<T, ZodTypeDef, unknown>): Journal<T> {
    return new Journal(this.path(name), schema);
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

  close(): void {
    this.lock.release();
  }
}

/** Creates the directory; a path that exists as a file (or cannot be made) is the user's mistake. */
export function ensureDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError('NOT_A_DIRECTORY', `--out ${dir}: exists and is not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST' || e.code === 'ENOTDIR' || e.code === 'EACCES' || e.code === 'EROFS') {
      throw new UserError('BAD_OUT', `--out ${dir}: cannot create the directory (${e.code})`);
    }
    throw err;
  }
}
