import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../../src/eval/run-eval.js';
import type { ExecResult, Sandbox, UnittestJob } from '../../src/sandbox/types.js';
import { UserError } from '../../src/util/errors.js';

// Issue 16, defects 5 and 9: run-eval's identity, merging earlier invocations, and nothing to judge.
const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'eval-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Passes every program that does not contain "wrong"; counts judgments. */
function fakeSandbox(): Sandbox & { judged: string[] } {
  const judged: string[] = [];
  return {
    kind: 'local', judged,
    start: async () => undefined,
    close: async () => undefined,
    environmentId: () => 'fake-judge',
    checkSyntax: async () => ({ ok: true }),
    runChecks: async () => [],
    runUnittest: async (job: UnittestJob): Promise<ExecResult> => {
      judged.push(job.solution);
      const ok = !job.solution.includes('wrong');
      return { status: ok ? 'pass' : 'fail', details: ok ? {} : { ALL: 'wrong' }, tests: ['test_a'], compatOrder: [], timedOut: false, oom: false, durationMs: 1 };
    },
  };
}

describe('run-eval identity and merge', () => {
  it('another dataset version in the same --out is refused with a clear message', async () => {
    const out = join(dir, 'versions');
    await runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0'], timeoutS: 5, out, parallel: 1 }, { sandbox: fakeSandbox() });
    const other = join(dir, 'sample-v2.jsonl');
    writeFileSync(other, readFileSync(SAMPLE, 'utf8').replace('"canonical_solution": "', '"canonical_solution": "    wrong = 1\\n'));
    const err = await runEval({ dataset: other, canonical: true, ids: ['Sample/0'], timeoutS: 5, out, parallel: 1 }, { sandbox: fakeSandbox() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/holds a run-eval run with a different "dataset".*use another --out/);
  });

  it('another timeout or judge is another run too', async () => {
    const out = join(dir, 'judge');
    await runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0'], timeoutS: 5, out, parallel: 1 }, { sandbox: fakeSandbox() });
    await expect(runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0'], timeoutS: 9, out, parallel: 1 }, { sandbox: fakeSandbox() }))
      .rejects.toThrow(/different "timeoutS"/);
    const otherJudge = { ...fakeSandbox(), environmentId: () => 'docker:other-image' };
    await expect(runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0'], timeoutS: 5, out, parallel: 1 }, { sandbox: otherJudge }))
      .rejects.toThrow(/different "environment"/);
  });

  it('a rerun with fewer --ids keeps the results of earlier invocations in eval_results.json', async () => {
    const out = join(dir, 'merge');
    const sb = fakeSandbox();
    await runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0', 'Sample/1'], timeoutS: 5, out, parallel: 1 }, { sandbox: sb });
    const r = await runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/2'], timeoutS: 5, out, parallel: 1 }, { sandbox: sb });
    expect(r).toMatchObject({ judged: 1, resumed: 0, merged: 2 });
    const res = JSON.parse(readFileSync(r.file, 'utf8'));
    expect(Object.keys(res.eval)).toEqual(['Sample/0', 'Sample/1', 'Sample/2']);
    expect(res.version).toBe(1);
    expect(r.counts.pass).toBe(3);
    expect(sb.judged).toHaveLength(3);
  });

  it('an empty samples file says there is nothing to judge', async () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const err = await runEval({ dataset: SAMPLE, samples: empty, timeoutS: 5, out: join(dir, 'empty'), parallel: 1 }, { sandbox: fakeSandbox() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('NOTHING_TO_JUDGE');
    expect((err as Error).message).toBe(`${empty}: no samples to judge (the file holds no records)`);
  });
});
