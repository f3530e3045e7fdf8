import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as runBench } from '../../src/cli/run-bench.js';
import { compareRunDirs, toMarkdown } from '../../src/compare/compare.js';
import { toHtml } from '../../src/view/snapshot.js';
import { loadRun } from '../../src/compare/load.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { loadPrices } from '../../src/models/usage.js';
import { summarize } from '../../src/world/summary.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';
import { fakeComparability, fakeLiveRun } from '../replay/helpers.js';
import { PROFILES } from '../../src/episode/protocol.js';

// Issue 16, defect 3: an episode that errored is not the model's failure.
const dir = mkdtempSync(join(tmpdir(), 'errored-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const setting = 'CF_EF_FULL_SEF';
const solved = (task_id: string): EpisodeRecord => ({
  task_id, setting, model: 'm', user_model: null, synthetic: false, solved_at: 0,
  turns: [{ turn: 0, code: 'x', status: 'pass' }],
});
const errored = (task_id: string): EpisodeRecord => ({ task_id, setting, model: 'm', user_model: null, synthetic: false, solved_at: null, turns: [], error: 'm: server error (HTTP 500) after 5 attempts' });

/** Replaces a task's record in a run directory by an errored one (a later line wins). */
function markErrored(runDir: string, index: number): string {
  const first = JSON.parse(readFileSync(join(runDir, 'episodes.jsonl'), 'utf8').split('\n')[index]!) as EpisodeRecord;
  appendFileSync(join(runDir, 'episodes.jsonl'), JSON.stringify({ ...first, turns: [], solved_at: null, error: 'server error (HTTP 500) after 5 attempts' }) + '\n');
  return first.task_id;
}

describe('errored episodes', () => {
  const meta = (protocol: 'convcodeworld' | 'clean') => ({
    setting, model: 'm', userModel: null, maxTurns: 1, synthetic: false, erroredScored: PROFILES[protocol].erroredScored,
    comparability: fakeComparability({ maxTurns: 1, simulator: null, protocol }),
  });

  it('convcodeworld (default): MRR and recall over all tasks, an errored episode scored as unsolved', () => {
    const s = summarize([solved('A'), errored('B')], meta('convcodeworld'), loadPrices());
    expect(s).toMatchObject({ mrr: 0.5, recall: 0.5, n_tasks: 2, n_errors: 1, errored_tasks: ['B'], errored_scored: true, protocol: 'convcodeworld' });
    expect(s.pass_at_1_by_turn[0]).toBe(0.5);
  });

  it('clean: the summary scores the completed episodes and counts the errored ones beside them', () => {
    const s = summarize([solved('A'), errored('B')], meta('clean'), loadPrices());
    expect(s).toMatchObject({ mrr: 1, recall: 1, n_tasks: 1, n_errors: 1, errored_tasks: ['B'], errored_scored: false });
    expect(s.pass_at_1_by_turn[0]).toBe(1);
  });

  it('compare-runs follows the run: convcodeworld scores an errored task as unsolved', () => {
    const b = fakeLiveRun(join(dir, 'B-ccw'), { setting, model: 'offline:B', maxTurns: 3, solvedAt: [0, 0, 1, null] });
    markErrored(b, 0);
    const run = loadRun(b);
    expect(run.erroredScored).toBe(true);
    expect(run.mrr).toBeCloseTo((0 + 1 + 0.5 + 0) / 4, 12);
  });

  it('compare-runs (clean) leaves them out of the metrics, shows them, and refuses a paired test over them', () => {
    const a = fakeLiveRun(join(dir, 'A'), { setting, model: 'offline:A', maxTurns: 3, solvedAt: [0, 0, 1, null], protocol: 'clean' });
    const b = fakeLiveRun(join(dir, 'B'), { setting, model: 'offline:B', maxTurns: 3, solvedAt: [0, 0, 1, null], protocol: 'clean' });
    const lost = markErrored(b, 0);
    const runB = loadRun(b);
    expect(runB.errored).toEqual([lost]);
    expect(runB.mrr).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    const c = compareRunDirs([a, b], { resamples: 200 });
    expect(c.paired).toEqual([]);
    expect(c.refused).toEqual([{ a: expect.stringContaining('offline:A'), b: expect.stringContaining('offline:B'), errored: { a: [], b: [lost] } }]);
    const md = toMarkdown(c);
    expect(md).toMatch(/errored \(live \/ static\)/);
    expect(md).toMatch(/\| offline:B \| CF_EF_FULL_SEF \| .* \| 3 \/ - \| 1 \/ - \|/);
    expect(md).toMatch(/Paired tests refused/);
    expect(md).toContain(`errored tasks 0 / 1 (${lost})`);
  });

  it('a run whose every episode errored has no pass@1 by turn: n/a in the tables, nothing drawn', () => {
    const c = fakeLiveRun(join(dir, 'C'), { setting, model: 'offline:C', maxTurns: 1, solvedAt: [0, 1], protocol: 'clean' });
    markErrored(c, 0);
    markErrored(c, 1);
    const run = loadRun(c);
    expect(run.passAt1ByTurn).toEqual([]);
    expect(run.recallByTurn).toEqual([]);
    const cmp = compareRunDirs([c], { resamples: 50 });
    expect(toMarkdown(cmp)).toMatch(/\| offline:C \| CF_EF_FULL_SEF \| live \| n\/a \| n\/a \|/);
    expect(toHtml(cmp)).toMatch(/<td>live<\/td><td>n\/a<\/td><td>n\/a<\/td>/);
  });

  describe('run-bench with an endpoint that refuses every call', () => {
    let mock: MockOpenAIServer;
    beforeAll(async () => { mock = await MockOpenAIServer.start(); });
    afterAll(async () => { await mock.close(); });

    it('exits non-zero (4) and says the errored episodes are scored as unsolved (the reference\'s protocol, convcodeworld)', async () => {
      const ref = fakeLiveRun(join(dir, 'ref'), { setting, model: 'offline:R', maxTurns: 2, solvedAt: [null, null] });
      mock.fallback = '401';
      const err: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
      const before = process.exitCode;
      try {
        await runBench(['--reference', ref, '--model', `compat:m@${mock.baseURL}`, '--sandbox', 'local', '--out', join(dir, 'bench'), '--quiet', '--no-cache']);
        expect(process.exitCode).toBe(4);
      } finally {
        process.stderr.write = write;
        process.exitCode = before;
      }
      expect(err.join('')).toMatch(/run-bench: 2 episodes errored \(.*\) and are scored as unsolved \(the protocol counts every task\); rerun the same command to retry/);
      const s = JSON.parse(readFileSync(join(dir, 'bench', 'summary.json'), 'utf8'));
      expect(s).toMatchObject({ n_tasks: 2, n_errors: 2, mrr: 0, errored_scored: true, protocol: 'convcodeworld' });
    });
  });
});
