import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/repo/config.js';
import { recomputeSummary } from '../../src/repo/recompute.js';
import { REPO_TASKS_VERSION } from '../../src/repo/record.js';
import { runRepo } from '../../src/repo/run.js';
import type { RepoJob, RepoJudgment, RepoSandbox } from '../../src/repo/sandbox.js';
import { toyTask } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'repo-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The toy tasks' tests pass when the method joins lowercased words and keeps `if not words`. */
function fakeSandbox(jobs: RepoJob[]): RepoSandbox {
  const judge = async (job: RepoJob): Promise<RepoJudgment> => {
    jobs.push(job);
    const t = job.replace?.text ?? '';
    const ok = t.includes('if not words') && t.includes('self.sep.join(words)');
    return { output: ok ? 'Ran 2 tests in 0.01s\n\nOK\n' : 'Ran 2 tests in 0.01s\n\nFAILED (failures=1)\n', returncode: ok ? 0 : 1, timedOut: false, durationMs: 1, wallMs: 1 };
  };
  return { image: 'fake', environmentId: () => 'fake:repo', preflight: async () => {}, judge } as unknown as RepoSandbox;
}

function taskFile(n: number): string {
  const file = join(dir, `tasks-${n}.jsonl`);
  const header = { format: 'repo-tasks', version: REPO_TASKS_VERSION, source: { package: 'toy', version: '1', orig_sha256: 'x', tree_sha256: 'y' }, image: 'fake', seed: 0, test_apps: ['toy_tests'], counts: { tasks: n }, dropped: {}, build_seconds: 0 };
  const tasks = Array.from({ length: n }, (_, i) => toyTask({ idx: i, dp_id: `django/utils/toy.py::Slugger.slug#${i}` }));
  writeFileSync(file, [header, ...tasks].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

describe('runRepo (in-memory sandbox, offline model)', () => {
  const tasks = taskFile(6);
  const config = (over: Record<string, unknown>) => resolveRunConfig(undefined, { tasks, cache: false, cache_dir: join(dir, 'cache'), benchmark: 'method_gen_multiturn', model: 'offline:0.5', ...over });

  it('writes a versioned run directory labelled synthetic, resumes without judging again, and refuses another run in it', async () => {
    const out = join(dir, 'gen');
    const jobs: RepoJob[] = [];
    const first = await runRepo(config({ out, limit: 4 }), { sandbox: fakeSandbox(jobs) });
    expect(first.summary).toMatchObject({ format: 'repo-summary', version: 1, num_datapoints: 4, synthetic: true });
    expect(jobs.length).toBeGreaterThan(0); // the toy tasks are alike: equal jobs are judged once
    expect(recomputeSummary(out).equal).toBe(true);
    expect(readFileSync(join(out, 'config.yaml'), 'utf8')).toMatch(/^kind: repo\nversion: 1\n/);
    // Two more items: only those are run; the four finished ones come from results.jsonl.
    const more: RepoJob[] = [];
    const second = await runRepo(config({ out }), { sandbox: fakeSandbox(more) });
    expect(second.stats).toMatchObject({ itemsRun: 2, resumed: 4 });
    expect(second.summary.num_datapoints).toBe(6);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
    await expect(runRepo(config({ out, max_iter: 2 }), { sandbox: fakeSandbox([]) })).rejects.toThrow(/gen holds a run-repo run with a different "max_iter" \(5, now 2\)/);
    await expect(runRepo(config({ out, ids: ['nope'] }), { sandbox: fakeSandbox([]) })).rejects.toThrow(/no task nope/);
  });
});
