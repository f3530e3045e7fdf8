import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../../src/eval/run-eval.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import type { Sandbox, UnittestJob } from '../../src/sandbox/types.js';
import { loadTasks } from '../../src/tasks/bigcodebench.js';
import { dockerReady } from '../helpers/docker.js';

const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
const ready = dockerReady();
const dir = mkdtempSync(join(tmpdir(), 'run-eval-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sandbox that must never be reached (bad input is caught before any judgment). */
const unreachable = { runUnittest: () => { throw new Error('judged'); } } as unknown as Sandbox;

describe('run-eval input errors', () => {
  it('names file and line of a malformed JSON line', async () => {
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, '{"task_id": "Sample/0", "solution": "x"}\n{"task_id": oops}\n');
    await expect(runEval({ dataset: SAMPLE, samples: f, timeoutS: 5, out: join(dir, 'o1'), parallel: 1 }, { sandbox: unreachable }))
      .rejects.toThrow(new RegExp(`${f}:2: malformed JSON`));
  });
  it('names an unknown task id with its line', async () => {
    const f = join(dir, 'unknown.jsonl');
    writeFileSync(f, '{"task_id": "Sample/0", "solution": "x"}\n{"task_id": "Sample/99", "solution": "y"}\n');
    await expect(runEval({ dataset: SAMPLE, samples: f, timeoutS: 5, out: join(dir, 'o2'), parallel: 1 }, { sandbox: unreachable }))
      .rejects.toThrow(/unknown\.jsonl:2: unknown task id Sample\/99/);
  });
  it('names a record without a solution', async () => {
    const f = join(dir, 'nosol.jsonl');
    writeFileSync(f, '{"task_id": "Sample/0"}\n');
    await expect(runEval({ dataset: SAMPLE, samples: f, timeoutS: 5, out: join(dir, 'o3'), parallel: 1 }, { sandbox: unreachable }))
      .rejects.toThrow(/nosol\.jsonl:1:.*solution/);
  });
  it('rejects --ids naming a task that is not in the dataset', async () => {
    await expect(runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/42'], timeoutS: 5, out: join(dir, 'o4'), parallel: 1 }, { sandbox: unreachable }))
      .rejects.toThrow(/unknown task id Sample\/42/);
  });
});

describe.skipIf(!ready.ok)(`run-eval in Docker${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const sb = new DockerSandbox({ parallel: 2 });
  const judged: string[] = [];
  const counting: Sandbox = Object.assign(Object.create(sb) as Sandbox, {
    runUnittest: (job: UnittestJob) => { judged.push(job.solution); return sb.runUnittest(job); },
  });
  beforeAll(() => sb.start());
  afterAll(() => sb.close());

  it('writes BigCodeBench-format results and resumes without judging a sample twice', async () => {
    const tasks = loadTasks(SAMPLE);
    const samples = join(dir, 'samples.jsonl');
    // Two samples per task: the reference body and a wrong one.
    writeFileSync(samples, tasks.flatMap((t) => [
      JSON.stringify({ task_id: t.task_id, solution: t.code_prompt + t.canonical_solution }),
      JSON.stringify({ task_id: t.task_id, solution: t.code_prompt + '    return None\n' }),
    ]).join('\n') + '\n');
    const out = join(dir, 'resume');
    const first = await runEval({ dataset: SAMPLE, samples, ids: ['Sample/0', 'Sample/1'], timeoutS: 30, out, parallel: 2 }, { sandbox: counting });
    expect(first.judged).toBe(4);
    const all = await runEval({ dataset: SAMPLE, samples, timeoutS: 30, out, parallel: 4 }, { sandbox: counting });
    expect(all.resumed).toBe(4);
    expect(all.judged).toBe(12);
    expect(judged).toHaveLength(16);
    expect(new Set(judged).size).toBe(16);
    const res = JSON.parse(readFileSync(all.file, 'utf8'));
    expect(Object.keys(res)).toEqual(['version', 'date', 'eval', 'pass_at_k', 'pass_at_k_skipped']);
    expect(res.eval['Sample/0']).toHaveLength(2);
    expect(Object.keys(res.eval['Sample/0'][0]).sort()).toEqual(['details', 'solution', 'status', 'task_id']);
    expect(res.eval['Sample/0'].map((e: { status: string }) => e.status)).toEqual(['pass', 'fail']);
    expect(res.pass_at_k['pass@1']).toBeCloseTo(0.5, 12);
    expect(Object.keys(res.pass_at_k)).toEqual(['pass@1']); // 2 samples per task
    expect(res.pass_at_k_skipped['pass@5']).toMatch(/needs at least 5/);
    const again = await runEval({ dataset: SAMPLE, samples, timeoutS: 30, out, parallel: 4 }, { sandbox: counting });
    expect(again.judged).toBe(0);
    expect(judged).toHaveLength(16);
  });
});
