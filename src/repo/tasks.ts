import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { UserError } from '../util/errors.js';
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
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const t = parse(i, RepoTaskSchema);
    if (!insideTree(t.file_path)) {
      throw new UserError('BAD_RECORD', `${file}:${i + 1}: task ${t.dp_id}: file_path "${t.file_path}" leaves the repository tree (a path relative to it is expected)`);
    }
    const first = seen.get(t.dp_id);
    if (first !== undefined) throw new UserError('BAD_RECORD', `${file}:${i + 1}: task ${t.dp_id} is given twice (first on line ${first})`);
    seen.set(t.dp_id, i + 1);
    tasks.push(t);
  }
  return { header, tasks, sha256: createHash('sha256').update(text).digest('hex') };
}

/** A relative path that stays inside the tree once normalized (no "..", not absolute, no NUL). */
function insideTree(p: string): boolean {
  if (!p || p.includes('\0') || p.includes('\\') || posix.isAbsolute(p)) return false;
  const n = posix.normalize(p);
  return n !== '..' && !n.startsWith('../') && n !== '.';
}
