import { existsSync, readFileSync } from 'node:fs';
import type { ZodType, ZodTypeDef } from 'zod';
import { UserError } from '../util/errors.js';

export interface JournalRead<T> {
  records: T[];
  /** 1-based line of a torn last line (half a record: a write in progress or interrupted), not read. */
  torn?: number;
}

/**
 * Reads a journal we wrote, saying where its last line is torn instead of dropping it silently;
 * a bad line before the last is an error naming file:line.
 */
export function readJournal<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown> | ((record: unknown) => ZodType<T, ZodTypeDef, unknown>)): JournalRead<T> {
  const pick = typeof schema === 'function' ? schema : (): ZodType<T, ZodTypeDef, unknown> => schema;
  if (!existsSync(file)) return { records: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  const records: T[] = [];
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]!.trim()) last--;
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (i === last) return { records, torn: i + 1 };
      throw new UserError('BAD_JSONL', `${file}:${i + 1}: malformed JSON (${(err as Error).message})`);
    }
    const parsed = pick(value).safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError('BAD_RECORD', `${file}:${i + 1}:${issue.path.length ? ` field "${issue.path.join('.')}"` : ''} ${issue.message}`);
    }
    records.push(parsed.data);
  }
  return { records };
}

/** Lines of a journal without parsing them (progress of a run being written). */
export function countJournalLines(file: string): number {
  if (!existsSync(file)) return 0;
  const buf = readFileSync(file);
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) n++;
  return n;
}
