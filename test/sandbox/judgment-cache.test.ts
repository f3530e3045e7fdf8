import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { RepoExecCache } from '../../src/repo/exec-cache.js';
import type { RepoJob, RepoJudgment, RepoSandbox } from '../../src/repo/sandbox.js';
import type { ExecResult, UnittestJob } from '../../src/sandbox/types.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';

/** Answers by marker: `# hang` times out, `# oom` is killed for memory, the rest goes to FakeSandbox. */
class MomentSandbox extends FakeSandbox {
  override async runUnittest(job: UnittestJob): Promise<ExecResult> {
    const base = await super.runUnittest(job);
    if (job.solution.includes('# hang')) return { ...base, status: 'timeout', timedOut: true, details: { ALL: 'Timed out' } };
    if (job.solution.includes('# oom')) return { ...base, status: 'fail', oom: true, details: { ALL: 'The sandbox died while judging: killed' } };
    return base;
  }
}

const dirs: string[] = [];
const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'judgment-cache-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const TEST = 'class TestCases:\n    def test_a(self): pass\n';

describe('one judgment cache policy', () => {
  it('episode cache: a verdict serves the next run; a timeout and a sandbox death are judged again', async () => {
    const dir = tmp();
    const first = new MomentSandbox();
    const a = new ExecCache(first, dir);
    for (const code of ['x = 1', 'x = 2 # hang', 'x = 3 # oom']) await a.unittest(code, TEST, 5);
    // Within the run, every outcome is reused.
    for (const code of ['x = 1', 'x = 2 # hang', 'x = 3 # oom']) await a.unittest(code, TEST, 5);
    expect(first.judged).toHaveLength(3);
    const second = new MomentSandbox();
    const b = new ExecCache(second, dir);
    expect((await b.unittest('x = 2 # hang', TEST, 5)).status).toBe('timeout');
    expect((await b.unittest('x = 3 # oom', TEST, 5)).oom).toBe(true);
    expect((await b.unittest('x = 1', TEST, 5)).status).toBe('pass');
    expect(second.judged).toEqual(['x = 2 # hang', 'x = 3 # oom']);
    expect(b.stats).toMatchObject({ judged: 2, hits: 1 });
  });

  it('repo cache: same policy (a timeout reused within the run, judged again by the next)', async () => {
    const dir = tmp();
    const calls: RepoJob[] = [];
    const sandbox = {
      environmentId: () => 'repo-fake',
      judge: async (job: RepoJob): Promise<RepoJudgment> => {
        calls.push(job);
        return { output: '', returncode: job.timeoutS === 1 ? null : 0, timedOut: job.timeoutS === 1, durationMs: 1, wallMs: 1 };
      },
    } as unknown as RepoSandbox;
    const hung: RepoJob = { labels: ['a'], timeoutS: 1 };
    const ok: RepoJob = { labels: ['a'], timeoutS: 2 };
    const a = new RepoExecCache(sandbox, dir);
    await a.judge(hung); await a.judge(hung); await a.judge(ok);
    expect(calls).toHaveLength(2);
    const b = new RepoExecCache(sandbox, dir);
    expect((await b.judge(hung)).cached).toBe(false);
    expect((await b.judge(ok)).cached).toBe(true);
    expect(calls).toHaveLength(3);
  });
});
