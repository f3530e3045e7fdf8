import { existsSync, mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../run/atomic.js';
import { dirname } from 'node:path';

/** Replaces a whole stage file at once (stages that are cheap to redo are not resumed row by row). */
export function writeRowsAtomic(file: string, rows: unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, rows.map((r) => JSON.stringify(r) + '\n').join(''));
}


export function fileExists(file: string): boolean {
  return existsSync(file);
}
