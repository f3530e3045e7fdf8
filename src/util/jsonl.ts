import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { ZodType, ZodTypeDef } from 'zod';
import { UserError } from './errors.js';
import { checkUserFile, readUserFile } from './files.js';
import { withFile } from './write-error.js';

/** Parses JSON lines; a bad line is reported as `file:line: reason`. Blank lines are skipped. */
export function parseJsonl<T = unknown>(text: string, file: string, schema?: ZodType<T, ZodTypeDef, unknown>): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    out.push(parseLine(line, file, i + 1, schema));
  }
  return out;
}

export function readJsonl<T = unknown>(file: string, schema?: ZodType<T, ZodTypeDef, unknown>): T[] {
  return parseJsonl(readUserFile(file), file, schema);
}

/** Streams a large JSONL file line by line with the same error reporting. */
export async function* streamJsonl<T = unknown>(file: string, schema?: ZodType<T, ZodTypeDef, unknown>): AsyncGenerator<T> {
  checkUserFile(file);
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of rl) {
    n++;
    const line = raw.trim();
    if (line) yield parseLine(line, file, n, schema);
  }
}

function parseLine<T>(line: string, file: string, lineNo: number, schema?: ZodType<T, ZodTypeDef, unknown>): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new UserError('BAD_JSONL', `${file}:${lineNo}: malformed JSON (${(err as Error).message})`);
  }
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` field "${issue.path.join('.')}"` : '';
    throw new UserError('BAD_RECORD', `${file}:${lineNo}:${where} ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Reads a JSONL file we wrote ourselves, tolerating a torn last line (a killed process may leave
 * half a record); every complete record is kept and, with a schema, checked (file:line on error).
 */
export function readJsonlTolerant<T = unknown>(file: string, schema?: ZodType<T, ZodTypeDef, unknown>): T[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      JSON.parse(line);
    } catch (err) {
      if (i >= lines.length - 2) break; // torn tail from an interrupted write
      throw new UserError('BAD_JSONL', `${file}:${i + 1}: malformed JSON (${(err as Error).message})`);
    }
    out.push(parseLine(line, file, i + 1, schema));
  }
  return out;
}

/** Appends one record per call; each line is written whole with a single write. */
export async function appendJsonl(file: string, record: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(record) + '\n').catch((err: unknown) => { throw withFile(err, file); });
}

/** Cuts a torn last line left by a killed writer, so that appends start on a fresh line. */
export function repairJsonlTail(file: string): void {
  if (!existsSync(file)) return;
  const buf = readFileSync(file);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  const cut = buf.lastIndexOf(0x0a) + 1;
  writeFileSync(file, buf.subarray(0, cut));
}
