import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from './errors.js';

/** Reads a file the user named; a missing path, a directory or an unreadable file is a one-line UserError. */
export function readUserFile(file: string): string {
  checkUserFile(file);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError('UNREADABLE', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A path the user named must be an existing file (not a directory). */
export function checkUserFile(file: string): void {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file`);
  if (statSync(file).isDirectory()) throw new UserError('EISDIR', `${file}: is a directory, not a file`);
}
