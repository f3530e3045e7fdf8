import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { datasetIdentity, isDatasetName, prepareDataset, type PrepareOptions } from '../data/prepare.js';
import { canonicalJson, readRows } from '../data/records.js';
import { datasetSpec } from '../data/registry.js';
import { UserError } from '../util/errors.js';
import { hubRecordsToTasks, rowPlace } from './hub-records.js';
import { REPO_TASKS_VERSION, RepoTaskSchema, RepoTasksHeaderSchema, type RepoTask, type RepoTasksHeader } from './record.js';

/**
 * Reads a task file written by `run-repo build`; a bad line is reported as file:line: field. A task
 * whose file leaves the repository tree, or a dp_id given twice, is an input error naming the task.
 * `sha256` is the file's content hash: a run's identity is what it ran, not where the file was.
 */
export function loadRepoTasks(file: string): { header: RepoTasksHeader; tasks: RepoTask[]; sha256: string } {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file (build it with \`run-repo build\`)`);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const parse = <T>(i: number, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } } }): T => {
    let v: unknown;
    try { v = JSON.parse(lines[i]!); } catch (err) { throw new UserError('BAD_JSONL', `${file}:${i + 1}: malformed JSON (${(err as Error).message})`); }
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    throw new UserError('BAD_RECORD', `${file}:${i + 1}: field "${issue.path.join('.')}" ${issue.message}`);
  };
  const header = parse(0, RepoTasksHeaderSchema);
  if (header.version !== REPO_TASKS_VERSION) {
    throw new UserError('BAD_VERSION', `${file}:1: task format version ${header.version}, this tool reads ${REPO_TASKS_VERSION}; rebuild with \`run-repo build\``);
  }
  const tasks: RepoTask[] = [];
  const at: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    tasks.push(parse(i, RepoTaskSchema));
    at.push(i + 1);
  }
  checkTasks(tasks, (k) => `${file}:${at[k]}`, (k) => `line ${at[k]}`);
  return { header, tasks, sha256: createHash('sha256').update(text).digest('hex') };
}

/** Tasks from a file or a data set name, with what a run records about where they came from. */
export interface RepoTaskSet {
  tasks: RepoTask[];
  /** Content hash of the tasks as run (a file's bytes; a data set's converted tasks). */
  sha256: string;
  /** The data set a name stood for (name, commit, records sha256). */
  dataset?: { name: string; revision: string | null; sha256: string };
}

/**
 * A task file of `run-repo build`, or a data set name (`django`): pulled through src/data (cache,
 * pins, offline mode) and converted from the published record layout.
 */
export async function loadRepoTaskSet(tasks: string, opts: PrepareOptions = {}): Promise<RepoTaskSet> {
  if (!isDatasetName(tasks)) {
    const { tasks: list, sha256 } = loadRepoTasks(tasks);
    return { tasks: list, sha256 };
  }
  if (datasetSpec(tasks).family !== 'django') throw new UserError('BAD_TASKS', `${tasks}: not a repository task set (run-repo reads \`django\` or a task file built by \`run-repo build\`)`);
  const ref = await prepareDataset(tasks, opts);
  const place = rowPlace(ref.name, ref.parts ?? [{ path: Object.keys(ref.files)[0] ?? ref.records, rows: ref.rows }]);
  const list = hubRecordsToTasks(await readRows(ref.records), place);
  checkTasks(list, place, (k) => place(k).replace(`${ref.name} `, ''));
  const h = createHash('sha256');
  for (const t of list) h.update(canonicalJson(t)).update('\n');
  return { tasks: list, sha256: h.digest('hex'), dataset: datasetIdentity(ref) };
}

/** A task whose file leaves the tree, or a dp_id given twice, is an input error naming where it is. */
function checkTasks(tasks: RepoTask[], where: (i: number) => string, short: (i: number) => string): void {
  const seen = new Map<string, number>();
  tasks.forEach((t, i) => {
    if (!insideTree(t.file_path)) {
      throw new UserError('BAD_RECORD', `${where(i)}: task ${t.dp_id}: file_path "${t.file_path}" leaves the repository tree (a path relative to it is expected)`);
    }
    const first = seen.get(t.dp_id);
    if (first !== undefined) throw new UserError('BAD_RECORD', `${where(i)}: task ${t.dp_id} is given twice (first on ${short(first)})`);
    seen.set(t.dp_id, i);
  });
}

/** A relative path that stays inside the tree once normalized (no "..", not absolute, no NUL). */
function insideTree(p: string): boolean {
  if (!p || p.includes('\0') || p.includes('\\') || posix.isAbsolute(p)) return false;
  const n = posix.normalize(p);
  return n !== '..' && !n.startsWith('../') && n !== '.';
}
