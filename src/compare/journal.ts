import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { ZodType, ZodTypeDef } from 'zod';
import { UserError } from '../util/errors.js';

export interface JournalRead<T> {
  records: T[];
  /** 1-based line of each record, in order (for errors found later, when a record is shown). */
  lines: number[];
  /** 1-based line of a torn last line (half a record: a write in progress or interrupted), not read. */
  torn?: number;
}

/** What is wrong with a parsed line, as `field "a.b" message`, or undefined when it is fine. */
export type RecordCheck = (value: unknown) => string | undefined;

interface Scanned {
  ino: number;
  size: number;
  mtimeMs: number;
  /** Bytes up to the end of the last good, newline-terminated record line; the next read starts here. */
  offset: number;
  /** Lines before offset. */
  lineNo: number;
  /** The first bytes and those just before offset: a file rewritten under the same name is read again from the start
   * (our writers only append, or cut a torn tail; the guard is a cheap check, not a proof). */
  head: Buffer;
  guard: Buffer;
  read: JournalRead<unknown>;
}

/** Journals already read, by path: unchanged files are not read again, a grown one only from where it ended. */
export class JournalCache {
  private readonly files = new Map<string, Scanned>();
  get(file: string): Scanned | undefined { return this.files.get(file); }
  set(file: string, s: Scanned): void { this.files.set(file, s); }
  forget(file: string): void { this.files.delete(file); }
}

const GUARD = 64;

function readRange(file: string, from: number, to: number): Buffer {
  if (to <= from) return Buffer.alloc(0);
  const buf = Buffer.allocUnsafe(to - from);
  const fd = openSync(file, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a journal we wrote, saying where its last line is torn instead of dropping it silently;
 * a bad line before the last is an error naming file:line. `check` is the per-record test (cheap:
 * the fields a reader computes with); with a cache, only the bytes appended since the last read are parsed.
 */
export function scanJournal<T>(file: string, check: RecordCheck, cache?: JournalCache): JournalRead<T> {
  if (!existsSync(file)) { cache?.forget(file); return { records: [], lines: [] }; }
  const st = statSync(file);
  const prev = cache?.get(file);
  if (prev && prev.ino === st.ino && prev.size === st.size && prev.mtimeMs === st.mtimeMs) return prev.read as JournalRead<T>;
  let start = 0;
  let lineNo = 0;
  let records: unknown[] = [];
  let lines: number[] = [];
  if (prev && prev.ino === st.ino && st.size >= prev.offset && readRange(file, 0, prev.head.length).equals(prev.head)
    && readRange(file, prev.offset - prev.guard.length, prev.offset).equals(prev.guard)) {
    start = prev.offset;
    lineNo = prev.lineNo;
    // Copies (the previous read may still be held), without an unterminated last line: it is read again.
    let keep = prev.read.lines.length;
    while (keep > 0 && prev.read.lines[keep - 1]! > lineNo) keep--;
    records = prev.read.records.slice(0, keep);
    lines = prev.read.lines.slice(0, keep);
  }
  const buf = readRange(file, start, st.size);
  // Line boundaries first: which non-blank line is the last decides torn (last) vs malformed (before it).
  const bounds: [number, number, number][] = [];
  for (let a = 0, n = lineNo; a < buf.length;) {
    let b = buf.indexOf(10, a);
    const ended = b >= 0;
    if (!ended) b = buf.length;
    n++;
    if (buf.subarray(a, b).some((c) => c !== 32 && c !== 9 && c !== 13)) bounds.push([a, ended ? b + 1 : b, n]);
    a = ended ? b + 1 : buf.length;
  }
  let offset = start;
  let consumed = lineNo;
  let torn: number | undefined;
  for (let k = 0; k < bounds.length; k++) {
    const [a, end, n] = bounds[k]!;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', a, end));
    } catch (err) {
      if (k === bounds.length - 1) { torn = n; break; }
      throw new UserError('BAD_JSONL', `${file}:${n}: malformed JSON (${(err as Error).message})`);
    }
    const issue = check(value);
    if (issue) throw new UserError('BAD_RECORD', `${file}:${n}: ${issue}`);
    records.push(value);
    lines.push(n);
    // An unterminated last line is read but not passed: it may still be growing.
    if (buf[end - 1] === 10) { offset = start + end; consumed = n; }
  }
  const read: JournalRead<unknown> = { records, lines, ...(torn ? { torn } : {}) };
  // From the bytes just read when they hold the range (copied: the cache must not keep the whole buffer).
  const bytes = (from: number, to: number): Buffer => (from >= start ? Buffer.from(buf.subarray(from - start, to - start)) : readRange(file, from, to));
  cache?.set(file, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset, lineNo: consumed,
    head: bytes(0, Math.min(GUARD, offset)), guard: bytes(Math.max(0, offset - GUARD), offset), read });
  return read as JournalRead<T>;
}

/** A zod schema (or one picked per record) as a record check, its first issue as the message. */
export function zodCheck<T>(schema: ZodType<T, ZodTypeDef, unknown> | ((record: unknown) => ZodType<T, ZodTypeDef, unknown>)): RecordCheck {
  const pick = typeof schema === 'function' ? schema : (): ZodType<T, ZodTypeDef, unknown> => schema;
  return (value) => {
    const parsed = pick(value).safeParse(value);
    if (parsed.success) return undefined;
    const issue = parsed.error.issues[0]!;
    return `${issue.path.length ? `field "${issue.path.join('.')}" ` : ''}${issue.message}`;
  };
}

/** A journal read in full, every record checked against its schema. */
export function readJournal<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown> | ((record: unknown) => ZodType<T, ZodTypeDef, unknown>)): JournalRead<T> {
  return scanJournal<T>(file, zodCheck(schema));
}

/** Lines of a journal without parsing them (progress of a run being written). */
export function countJournalLines(file: string): number {
  if (!existsSync(file)) return 0;
  const buf = readFileSync(file);
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) n++;
  return n;
}
