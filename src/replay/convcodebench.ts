import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SETTING_NAMES } from '../episode/settings.js';
import { CONVCODEWORLD_TIMEOUT_S } from '../feedback/constants.js';
import { normalizeTaskId } from '../tasks/bigcodebench.js';
import { UserError } from '../util/errors.js';
import type { Reference, ReferenceTask, ReferenceTurn } from './types.js';

/**
 * Importer for the published ConvCodeBench reference logs.
 *
 * Layout (what we read, documented in docs/replay.md):
 * - one table; a column per setting, named by its short name (`CF_EF_FULL_SEF`, any case);
 * - rows are tasks: a `task_id` column ("BigCodeBench/13" or 13) and, in each setting column, a map
 *   `ITER=1..10` -> record `{previous_code, compilation_feedback, execution_feedback,
 *   verbal_feedback, label}` (a parquet MAP<string, STRUCT> or a STRUCT with fields `ITER=k`);
 * - or a single row (no `task_id` column) whose cells map `ITER=k` -> a list of records that carry
 *   their own `task_id` (parquet), a struct of parallel lists `{task_id: [...], ...}` (the
 *   `datasets` JSON form), or a map task_id -> record;
 * - a cell may also be a JSON string of the same value.
 * `ITER=k` holds what the reference was shown at turn k: `previous_code` is its code version k-1,
 * the three feedback texts are about that code, and `label` is that code's full-test pass/fail.
 * So ITER=1..N gives code versions 0..N-1, and the reference ran N refinement turns.
 */
export interface ImportOptions {
  referenceModel?: string;
  datasetName?: string;
  datasetSha256?: string | null;
  userModel?: string | null;
}

/** Default dataset of the published logs (BigCodeBench v0.1.0_hf); its hash is unknown until stamped. */
export const PUBLISHED_DATASET = 'bigcodebench-v0.1.0_hf.jsonl';

type Row = Record<string, unknown>;

export async function readParquetRows(file: string): Promise<{ rows: Row[]; meta: Record<string, string> }> {
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  let meta: Record<string, string> = {};
  let rows: Row[];
  try {
    const md = parquetMetadata(ab);
    meta = Object.fromEntries((md.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
    rows = (await parquetReadObjects({ file: ab, metadata: md, utf8: true })) as Row[];
  } catch (err) {
    throw new UserError('BAD_REFERENCE', `${file}: not a readable parquet file (${(err as Error).message.split('\n')[0]})`);
  }
  return { rows, meta };
}

/** Rows of a JSON (array of rows, `{rows: [...]}`, or one row object) or JSON-lines file. */
export function readJsonRows(text: string, file: string): Row[] {
  if (file.endsWith('.jsonl')) {
    return text.split('\n').filter((l) => l.trim()).map((l, i) => {
      try {
        return JSON.parse(l) as Row;
      } catch (err) {
        throw new UserError('BAD_REFERENCE', `${file}:${i + 1}: malformed JSON (${(err as Error).message})`);
      }
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError('BAD_REFERENCE', `${file}: malformed JSON (${(err as Error).message})`);
  }
  if (Array.isArray(doc)) return doc as Row[];
  if (doc && typeof doc === 'object' && Array.isArray((doc as { rows?: unknown }).rows)) return (doc as { rows: Row[] }).rows;
  if (doc && typeof doc === 'object') return [doc as Row];
  throw new UserError('BAD_REFERENCE', `${file}: expected a table (array of rows) in the ConvCodeBench layout`);
}

const SETTINGS_BY_UPPER = new Map(SETTING_NAMES.map((s) => [s, s] as const));

/** Builds a reference from rows in the published layout. */
export function referenceFromConvCodeBench(rows: Row[], file: string, kind: 'convcodebench-parquet' | 'convcodebench-json', o: ImportOptions = {}, meta: Record<string, string> = {}): Reference {
  if (!rows.length) throw new UserError('BAD_REFERENCE', `${file}: the table has no rows`);
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const settingCols = [...columns].filter((c) => SETTINGS_BY_UPPER.has(c.toUpperCase() as never));
  if (!settingCols.length) {
    throw new UserError('BAD_REFERENCE', `${file}: no setting column (expected columns named like ${SETTING_NAMES.slice(4).join(', ')})`);
  }
  const perRow = columns.has('task_id');
  const settings: Reference['settings'] = {};
  let maxIter = 0;
  for (const col of settingCols) {
    const setting = col.toUpperCase();
    // task id -> ITER k -> record
    const byTask = new Map<string, Map<number, Row>>();
    const put = (taskId: unknown, k: number, rec: Row, where: string): void => {
      if (typeof taskId !== 'string' && typeof taskId !== 'number' && typeof taskId !== 'bigint') throw new UserError('BAD_REFERENCE', `${file}: ${where}: missing task_id`);
      const id = normalizeTaskId(String(taskId));
      let m = byTask.get(id);
      if (!m) byTask.set(id, (m = new Map()));
      m.set(k, rec);
    };
    rows.forEach((row, ri) => {
      const cell = iterMap(row[col], `${file}: row ${ri + 1}, column ${col}`);
      for (const [k, value] of cell) {
        maxIter = Math.max(maxIter, k);
        const where = `row ${ri + 1}, column ${col}, ITER=${k}`;
        if (value === null || value === undefined) continue;
        if (perRow) {
          put(row.task_id, k, asRecord(value, `${file}: ${where}`), where);
        } else if (Array.isArray(value)) {
          value.forEach((rec, j) => { const r = asRecord(rec, `${file}: ${where}[${j}]`); put(r.task_id, k, r, `${where}[${j}]`); });
        } else if (isParallelLists(value)) {
          // The `datasets` JSON form: one list per field, aligned by position.
          zipParallel(value, `${file}: ${where}`).forEach((r, j) => put(r.task_id, k, r, `${where}[${j}]`));
        } else {
          for (const [id, rec] of entriesOf(value)) put(rec && typeof rec === 'object' && 'task_id' in (rec as Row) ? (rec as Row).task_id : id, k, asRecord(rec, `${file}: ${where}.${id}`), `${where}.${id}`);
        }
      }
    });
    const tasks: ReferenceTask[] = [];
    for (const [taskId, iters] of byTask) {
      const turns: ReferenceTurn[] = [];
      for (let k = 1; iters.has(k); k++) {
        const r = iters.get(k)!;
        const where = `${file}: task ${taskId}, column ${col}, ITER=${k}`;
        const code = r.previous_code;
        if (typeof code !== 'string') throw new UserError('BAD_REFERENCE', `${where}: previous_code must be a string`);
        const turn: ReferenceTurn = { turn: k - 1, code, passed: parseLabel(r.label, where) };
        const cf = optString(r.compilation_feedback, `${where}: compilation_feedback`);
        const ef = optString(r.execution_feedback, `${where}: execution_feedback`);
        const vf = optString(r.verbal_feedback, `${where}: verbal_feedback`);
        if (cf !== undefined) turn.compilation_feedback = cf;
        if (ef !== undefined) turn.execution_feedback = ef;
        turn.user_feedback = vf === undefined || vf.trim() === '' ? null : vf;
        turns.push(turn);
      }
      tasks.push({ task_id: taskId, turns });
    }
    tasks.sort((a, b) => compareIds(a.task_id, b.task_id));
    settings[setting] = { tasks };
  }
  const stem = basename(file).replace(/\.(parquet|jsonl?|json)$/i, '');
  return {
    reference_model: o.referenceModel ?? meta.reference_model ?? stem,
    user_model: o.userModel !== undefined ? o.userModel : meta.user_model ?? null,
    source: { kind, name: basename(file) },
    dataset: { name: o.datasetName ?? meta.dataset ?? PUBLISHED_DATASET, sha256: o.datasetSha256 !== undefined ? o.datasetSha256 : meta.dataset_sha256 || null },
    max_turns: maxIter,
    // The published logs were made by the original's code: its protocol, quirks included.
    protocol: meta.protocol === 'clean' ? 'clean' : 'convcodeworld',
    prompts_sha256: meta.prompts_sha256 || null,
    // Published logs were judged by the original's episodes, 121 s per suite.
    timeout_s: Number(meta.timeout_s) > 0 ? Number(meta.timeout_s) : CONVCODEWORLD_TIMEOUT_S,
    synthetic: meta.synthetic === 'true',
    settings,
  };
}

/** A cell as [k, value] pairs for its ITER=k keys (map, struct, [{key, value}], or JSON text). */
function iterMap(cell: unknown, where: string): [number, unknown][] {
  if (cell === null || cell === undefined) return [];
  let v = cell;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new UserError('BAD_REFERENCE', `${where}: cell is text but not JSON`);
    }
  }
  const out: [number, unknown][] = [];
  for (const [key, value] of entriesOf(v)) {
    const m = /^\s*(?:ITER\s*=\s*)?(\d+)\s*$/i.exec(key);
    if (!m) throw new UserError('BAD_REFERENCE', `${where}: unexpected key "${key}" (expected ITER=1..10)`);
    const k = Number(m[1]);
    if (k < 1) throw new UserError('BAD_REFERENCE', `${where}: ITER must start at 1, got "${key}"`);
    out.push([k, value]);
  }
  return out;
}

/** `{task_id: [...], previous_code: [...], ...}`: a struct of lists, as `datasets` writes a list of records to JSON. */
function isParallelLists(v: unknown): v is Record<string, unknown[]> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && Array.isArray((v as Row).task_id);
}

function zipParallel(v: Record<string, unknown[]>, where: string): Row[] {
  const n = v.task_id!.length;
  for (const [field, list] of Object.entries(v)) {
    if (!Array.isArray(list) || list.length !== n) throw new UserError('BAD_REFERENCE', `${where}: field ${field} is not a list of ${n} values like task_id`);
  }
  return Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(v).map(([f, list]) => [f, list[i]])));
}

function entriesOf(v: unknown): [string, unknown][] {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x]);
  if (Array.isArray(v)) {
    if (v.every((e) => e && typeof e === 'object' && 'key' in e && 'value' in e)) return v.map((e: { key: unknown; value: unknown }) => [String(e.key), e.value]);
    if (v.every((e) => Array.isArray(e) && e.length === 2)) return v.map((e: [unknown, unknown]) => [String(e[0]), e[1]]);
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v as Row);
  return [];
}

function asRecord(v: unknown, where: string): Row {
  let x = v;
  if (typeof x === 'string') {
    try {
      x = JSON.parse(x);
    } catch {
      throw new UserError('BAD_REFERENCE', `${where}: expected a record`);
    }
  }
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw new UserError('BAD_REFERENCE', `${where}: expected a record {previous_code, compilation_feedback, execution_feedback, verbal_feedback, label}`);
  return x as Row;
}

function optString(v: unknown, where: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw new UserError('BAD_REFERENCE', `${where} must be text`);
  return v;
}

const PASS = new Set(['pass', 'passed', 'true', '1', 'success', 'correct']);
const FAIL = new Set(['fail', 'failed', 'false', '0', 'timeout', 'error', 'incorrect']);

/** A label as pass/fail: booleans, 0/1, or pass/fail words. */
export function parseLabel(v: unknown, where: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (PASS.has(s)) return true;
    if (FAIL.has(s)) return false;
  }
  throw new UserError('BAD_REFERENCE', `${where}: label ${JSON.stringify(v)} is not pass/fail`);
}

/** "BigCodeBench/2" before "BigCodeBench/10". */
export function compareIds(a: string, b: string): number {
  const na = /(\d+)$/.exec(a);
  const nb = /(\d+)$/.exec(b);
  const pa = na ? a.slice(0, na.index) : a;
  const pb = nb ? b.slice(0, nb.index) : b;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (na && nb) return Number(na[1]) - Number(nb[1]);
  return a < b ? -1 : a > b ? 1 : 0;
}
