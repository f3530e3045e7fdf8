import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { REPO_TASKS_VERSION, RepoTaskSchema, RepoTasksHeaderSchema, type RepoTask, type RepoTasksHeader } from './record.js';

/** Reads a task file written by `run-repo build`; a bad line is reported as file:line: field. */
export function loadRepoTasks(file: string): { header: RepoTasksHeader; tasks: RepoTask[] } {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file (build it with \`run-repo build\`)`);
  const lines = readFileSync(file, 'utf8').split('\n');
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
  for (let i = 1; i < lines.length; i++) if (lines[i]!.trim()) tasks.push(parse(i, RepoTaskSchema));
  return { header, tasks };
}
