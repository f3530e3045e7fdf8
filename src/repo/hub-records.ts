import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { Mutant, RepoTask } from './record.js';

/**
 * Django commit the published records were made on: the original benchmark's sandbox image checks
 * it out (the records themselves do not say).
 */
export const RECORDS_DJANGO = 'django@89807fbde8b7';

const Range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
/** Parquet may hold a nested column as JSON text; the Hub's own conversion keeps structs. */
const nested = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try { return JSON.parse(v) as unknown; } catch { return v; }
}, schema);

/** One record of the Hub data set: what run-repo reads, checked; fields it never reads pass when absent. */
const HubRecordSchema = z.object({
  idx: z.number().int().min(0),
  dp_id: z.union([z.string().min(1), z.number()]).transform(String),
  split: z.string().nullish(),
  file_path: z.string().min(1),
  raw_file_content: z.string().min(1),
  class_name: z.string().min(1),
  class_doc: z.string().nullish(),
  class_code: z.string().nullish(),
  class_position_in_file: nested(Range).nullish(),
  file_without_method: z.string(),
  class_without_method: z.string(),
  file_with_buggy_method: z.string(),
  test_error_message: z.string(),
  method: nested(z.object({
    name: z.string().min(1),
    declaration: z.string().min(1),
    body: z.string(),
    description: z.string(),
    global_method_declaration_index: Range,
    global_method_body_index: Range,
  })),
  tests: nested(z.object({ full_paths: z.array(z.string().min(1)).min(1), time_test_norm: z.number().nullish() })),
});

/** Where a row came from, for errors: the repository file and the row's number in it (1-based). */
export type RowPlace = (i: number) => string;

/** `django (data/test-00000-of-00001.parquet) row 3`, across the shards a data set was read from in order. */
export function rowPlace(name: string, parts: { path: string; rows: number }[]): RowPlace {
  return (i) => {
    let at = i;
    for (const p of parts) {
      if (at < p.rows) return `${name} (${p.path}) row ${at + 1}`;
      at -= p.rows;
    }
    return `${name} row ${i + 1}`;
  };
}

/** The one line the buggy file changes, when it changes exactly one (same line count). */
export function bugOf(file: string, buggy: string): Mutant | undefined {
  const a = file.split('\n');
  const b = buggy.split('\n');
  if (a.length !== b.length) return undefined;
  const changed = a.map((_, i) => i).filter((i) => a[i] !== b[i]);
  if (changed.length !== 1) return undefined;
  const i = changed[0]!;
  const [x, y] = [a[i]!, b[i]!];
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  let s = 0;
  while (s < x.length - p && s < y.length - p && x[x.length - 1 - s] === y[y.length - 1 - s]) s++;
  return { line: i + 1, col: p, from: x.slice(p, x.length - s), to: y.slice(p, y.length - s), new_line: y };
}

/**
 * The published records as run-repo tasks. A record that lacks a field run-repo reads, or whose
 * method lines fall outside its file, is refused with one line naming the file, row and field.
 * Each task is judged on its own file (`whole_file`): the records come from another Django tree.
 */
export function hubRecordsToTasks(rows: Record<string, unknown>[], place: RowPlace): RepoTask[] {
  return rows.map((row, i) => {
    const r = HubRecordSchema.safeParse(row);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new UserError('BAD_RECORD', `${place(i)}: field "${issue.path.join('.')}" ${issue.message}`);
    }
    const h = r.data;
    const lines = h.raw_file_content.split('\n').length;
    const [d0, d1] = h.method.global_method_declaration_index;
    const [b0, b1] = h.method.global_method_body_index;
    const bad = d0 > d1 || b0 > b1 || d1 > b0 ? 'is out of order (declaration start <= end <= body start <= end expected)' : b1 >= lines ? `lies past the end of raw_file_content (${lines} lines)` : undefined;
    if (bad) throw new UserError('BAD_RECORD', `${place(i)}: field "method.global_method_body_index" ${bad}`);
    const bug = bugOf(h.raw_file_content, h.file_with_buggy_method);
    const { time_test_norm: time, full_paths } = h.tests;
    return {
      idx: h.idx, dp_id: h.dp_id, split: h.split ?? 'test', file_path: h.file_path, raw_file_content: h.raw_file_content,
      class_name: h.class_name, class_doc: h.class_doc ?? '', class_code: h.class_code ?? '',
      ...(h.class_position_in_file ? { class_position_in_file: h.class_position_in_file } : {}),
      file_without_method: h.file_without_method, class_without_method: h.class_without_method,
      file_with_buggy_method: h.file_with_buggy_method, test_error_message: h.test_error_message,
      method: h.method, tests: { full_paths, ...(typeof time === 'number' ? { time_test_norm: time } : {}) },
      ...(bug ? { bug } : {}), mutants: bug ? [bug] : [], whole_file: true as const,
    };
  });
}

/**
 * The one-line note a run on published records prints and records when the image's tree is not the
 * Django they were made on, or lacks some of their files; undefined when neither.
 */
export function treeNote(tree: { version?: string; missing: string[] }, files: number): string | undefined {
  const commit = RECORDS_DJANGO.split('@')[1]!;
  const same = !!tree.version && tree.version.includes(commit);
  if (same && !tree.missing.length) return undefined;
  const what = tree.version ? `Django ${tree.version}` : 'a Django the image does not name (no /opt/django-source.version)';
  const lacks = tree.missing.length ? `; ${tree.missing.length} of their ${files} files are not in this tree (their items end CRUSHED)` : '';
  return `the django records were made on ${RECORDS_DJANGO}, this image's tree is ${what}: each task is judged on its record's own file written whole, but its imports and test labels may not match this tree${lacks}`;
}
