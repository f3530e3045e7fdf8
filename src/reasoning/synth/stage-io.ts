import { existsSync, mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../run/atomic.js';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readJsonlTolerant, repairJsonlTail } from '../../util/jsonl.js';
import { withFile } from '../../util/write-error.js';

/** Appends rows to a stage file; rows already there (from an interrupted run) are reported as done. */
export class RowSink {
  readonly done: Set<string>;
  readonly existing: Record<string, unknown>[];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly keyOf: (row: Record<string, unknown>) => string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    repairJsonlTail(file);
    this.existing = readJsonlTolerant<Record<string, unknown>>(file);
    this.done = new Set(this.existing.map(keyOf));
  }

  /** Writes are serialised so concurrent workers never interleave inside a line. */
  write(row: Record<string, unknown>): Promise<void> {
    this.done.add(this.keyOf(row));
    this.queue = this.queue.then(() => appendFile(this.file, JSON.stringify(row) + '\n').catch((err: unknown) => { throw withFile(err, this.file); }));
    return this.queue;
  }
}

/** Replaces a whole stage file at once (stages that are cheap to redo are not resumed row by row). */
export function writeRowsAtomic(file: string, rows: unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, rows.map((r) => JSON.stringify(r) + '\n').join(''));
}


export function fileExists(file: string): boolean {
  return existsSync(file);
}
