import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';

export type Row = Record<string, unknown>;

/** JSON with object keys sorted and big integers as numbers: one text per value, whatever file held it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = normalize((v as Row)[k]);
    return out;
  }
  return v;
}

/**
 * sha256 of the decoded rows: each row's canonical JSON and a newline, in file order. With
 * `fields`, only those keys of each row count (a file with extra columns hashes as the rows it holds).
 */
export function recordsSha256(rows: Row[], fields?: readonly string[]): string {
  const h = createHash('sha256');
  for (const row of rows) h.update(canonicalJson(fields ? pick(row, fields) : row)).update('\n');
  return h.digest('hex');
}

export function pick(row: Row, fields: readonly string[]): Row {
  const out: Row = {};
  for (const f of fields) if (f in row) out[f] = row[f];
  return out;
}

export function isParquet(file: string): boolean {
  return file.endsWith('.parquet');
}

/** Rows of a JSON lines file or a parquet file (decoded to plain JSON values). */
export async function readRows(file: string): Promise<Row[]> {
  if (isParquet(file)) return readParquet(file);
  const text = readFileSync(file, 'utf8');
  const rows: Row[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push(JSON.parse(line) as Row);
    } catch (err) {
      throw new UserError('BAD_JSONL', `${file}:${i + 1}: malformed JSON (${(err as Error).message})`);
    }
  });
  return rows;
}

async function readParquet(file: string): Promise<Row[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  try {
    const rows = (await parquetReadObjects({ file: ab, utf8: true })) as Row[];
    return rows.map((r) => normalize(r) as Row);
  } catch (err) {
    throw new UserError('BAD_DATA', `${file}: not a readable parquet file (${(err as Error).message.split('\n')[0]})`);
  }
}
