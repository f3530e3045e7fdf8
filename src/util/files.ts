import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ZodType, ZodTypeDef } from 'zod';
import { issueText } from './options.js';
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

/** A JSON file read through its schema: malformed JSON or a wrong shape is a one-line UserError naming the file and field. */
export function readJsonFile<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown>, what = 'file'): T {
  let doc: unknown;
  try {
    doc = JSON.parse(readUserFile(file));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('BAD_JSON', `${file}: malformed JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw new UserError('BAD_JSON', `${file}: not a ${what} (${issueText(parsed.error)})`);
  return parsed.data;
}
