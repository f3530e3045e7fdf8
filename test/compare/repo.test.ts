import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRunDirs, toMarkdown } from '../../src/compare/compare.js';
import { toHtml } from '../../src/view/snapshot.js';
import { REPO_RESULT_VERSION, summarizeRepo, type RepoItem } from '../../src/repo/metrics.js';

const root = mkdtempSync(join(tmpdir(), 'compare-repo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run-repo directory whose item k passes at turn passAt[k] (null: never), as run-repo writes it. */
function repoRun(name: string, model: string, passAt: (number | null)[], chrf: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const items: RepoItem[] = passAt.map((p, k) => {
    const n = p ?? 3;
    const turns = Array.from({ length: n }, (_, t) => ({
      turn: t + 1, status: p === t + 1 ? 'OK' as const : 'FAILED' as const, pct: p === t + 1 ? 1 : 0.5, ran: 2, failures: p === t + 1 ? 0 : 1, errors: 0, timed_out: false, code: 'def f(self):\n    pass', cached: false,
    }));
    return { format: 'repo-result', version: REPO_RESULT_VERSION, idx: k, dp_id: `django/${k}`, benchmark: 'method_gen_multiturn', model, turns, stop_reason: p ? 'passed_tests' : 'max_turns_reached', final_code: '', chrf, common_prefix_ratio: 0.5 };
  });
  writeFileSync(join(dir, 'results.jsonl'), items.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const summary = summarizeRepo(items, { benchmark: 'method_gen_multiturn', model, maxIter: 3, synthetic: true });
  writeFileSync(join(dir, 'results_summary.json'), JSON.stringify(summary));
  return dir;
}

describe('compare-runs on run-repo directories', () => {
  repoRun('strong', 'offline:0.9', [1, 1, 2, 1, 3, 1, 2, 1], 80);
  repoRun('weak', 'offline:0.2', [null, 3, null, 2, null, null, 3, null], 40);

  it('tabulates pass rate, percent pass and chrF with CIs, pass_rate@i, and a paired test over the same items', () => {
    const c = compareRunDirs([root], { resamples: 500 });
    expect(c.runs).toHaveLength(0);
    expect(c.repo!.runs.map((m) => m.run.model)).toEqual(['offline:0.9', 'offline:0.2']);
    const [s, w] = c.repo!.runs;
    expect(s!.passRate.estimate).toBe(1);
    expect(w!.passRate.estimate).toBe(3 / 8);
    expect(w!.chrf.estimate).toBeCloseTo(0.4, 10);
    const md = toMarkdown(c);
    expect(md).toContain('| offline:0.9 (synthetic) | method_gen_multiturn | 8 | 100.0 [100.0, 100.0] |');
    // pass_rate@1..3 of the weak run: none at 1, one at 2 (item 3), three by 3.
    expect(md).toMatch(/\| offline:0\.2 \(synthetic\) \| method_gen_multiturn \| 8 \| 37\.5 \[[\d.]+, [\d.]+\] \| [^|]+\| 40\.0 \[40\.0, 40\.0\] \| 0\.0 \| 12\.5 \| 37\.5 \|/);
    expect(c.repo!.paired).toHaveLength(1);
    expect(c.repo!.paired[0]!.passDiff.estimate).toBeCloseTo(5 / 8, 10);
    expect(md).toContain('| offline:0.9 method_gen_multiturn | offline:0.2 method_gen_multiturn | 8 | +62.5 [');
    expect(md).toContain('_Runs marked synthetic used offline models');
    expect(toHtml(c)).toContain('<table class="data paper" id="repo">');
  });

  it('refuses a run-repo directory with a broken summary, naming the file and field', () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'results_summary.json'), JSON.stringify({ format: 'repo-summary', version: 1 }));
    expect(() => compareRunDirs([bad])).toThrow(/bad\/results_summary\.json: not a run-repo summary \(field "benchmark": Required\)/);
    rmSync(bad, { recursive: true });
  });
});
