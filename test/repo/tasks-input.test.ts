import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/repo/config.js';
import { REPO_TASKS_VERSION, type RepoTask } from '../../src/repo/record.js';
import { runRepo } from '../../src/repo/run.js';
import type { RepoJudgment, RepoSandbox } from '../../src/repo/sandbox.js';
import { loadRepoTasks } from '../../src/repo/tasks.js';
import { toyTask } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'repo-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, tasks: RepoTask[]): string {
  const file = join(dir, name);
  const header = { format: 'repo-tasks', version: REPO_TASKS_VERSION, source: { package: 'toy', version: '1', orig_sha256: 'x', tree_sha256: 'y' }, image: 'fake', seed: 0, test_apps: ['toy_tests'], counts: { tasks: tasks.length }, dropped: {}, build_seconds: 0 };
  writeFileSync(file, [header, ...tasks].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

const sandbox = {
  image: 'fake', environmentId: () => 'fake:repo', preflight: async () => {},
  judge: async (): Promise<RepoJudgment> => ({ output: 'Ran 2 tests in 0.01s\n\nOK\n', returncode: 0, timedOut: false, durationMs: 1, wallMs: 1 }),
} as unknown as RepoSandbox;

describe('run-repo task files as hostile input', () => {
  it.each(['../../etc/passwd', '/etc/passwd', 'django/../../x.py', '..'])('a file_path that leaves the tree (%s) is an input error naming the task', (p) => {
    const file = write('escape.jsonl', [toyTask({ idx: 0, dp_id: 'ok#0' }), toyTask({ idx: 1, dp_id: 'bad#1', file_path: p })]);
    expect(() => loadRepoTasks(file)).toThrow(new RegExp(`escape\\.jsonl:3: task bad#1: file_path ".*" leaves the repository tree`));
  });

  it('a dp_id given twice is an input error', () => {
    const file = write('dup.jsonl', [toyTask({ idx: 0, dp_id: 'same' }), toyTask({ idx: 1, dp_id: 'same' })]);
    expect(() => loadRepoTasks(file)).toThrow(/dup\.jsonl:3: task same is given twice \(first on line 2\)/);
  });

  it('the run keys on the tasks file content: a rewritten file in the same place is refused, not resumed', async () => {
    const file = write('tasks.jsonl', [0, 1].map((i) => toyTask({ idx: i, dp_id: `t#${i}` })));
    const out = join(dir, 'run');
    const config = resolveRunConfig(undefined, { tasks: file, out, cache: false, cache_dir: join(dir, 'cache'), benchmark: 'method_gen_multiturn', model: 'offline:0.5' });
    await runRepo(config, { sandbox });
    write('tasks.jsonl', [2, 3].map((i) => toyTask({ idx: i, dp_id: `t#${i}` })));
    await expect(runRepo(config, { sandbox })).rejects.toThrow(/holds a run-repo run with a different "tasks_sha256"/);
  });
});
