import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { REPO_RESULT_VERSION, summarizeRepo, type RepoItem } from '../../src/repo/metrics.js';
import { buildFixtureRuns } from '../compare/fixtures.js';
import { fakeLiveRun } from '../replay/helpers.js';

const write = (dir: string, name: string, v: unknown): void => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v, null, 1));
};

/** A finished run-reasoning directory as run-reasoning writes it: per item, one verdict per sample. */
export function reasoningRun(dir: string, model: string, task: string, verdicts: boolean[][]): void {
  write(dir, 'config.yaml', toYaml({ version: 1, kind: 'reasoning', task, model, n: verdicts[0]!.length, temperature: 0.8, cot: false }));
  const raw = Object.fromEntries(verdicts.map((v, i) => [`sample_${i}`, v]));
  write(dir, 'calls.jsonl', verdicts.flatMap((v, i) => v.map((_, s) => JSON.stringify({ version: 1, key: 'k', id: `sample_${i}`, sample: s, text: 'x', usage: { inputTokens: 1, outputTokens: 1 }, cached: false }))).join('\n') + '\n');
  write(dir, 'scored.json', { synthetic: true, raw_generations: {}, raw_scored_generations: raw });
  // What run-reasoning reports: mean of per-item pass@k, x100.
  const p1 = (verdicts.reduce((a, v) => a + v.filter(Boolean).length / v.length, 0) / verdicts.length) * 100;
  write(dir, 'summary.json', { version: 1, task, model, synthetic: true, n: verdicts[0]!.length, temperature: 0.8, cot: false, rag: false, scorer: 'v2', pass_at_k: { pass_at_1: p1 } });
}

/** A finished run-eval directory: BigCodeBench samples judged. */
export function evalRun(dir: string, statuses: Record<string, string[]>): void {
  write(dir, 'config.yaml', toYaml({ version: 1, kind: 'eval', dataset: '/data/bigcodebench.jsonl', samples: '/x/samples.jsonl', timeoutS: 240, calibrated: true }));
  const lines = Object.entries(statuses).flatMap(([id, ss]) => ss.map((s, i) => JSON.stringify({ version: 1, key: `${id}#${i}`, index: i, task_id: id, solution: '', status: s, details: {} })));
  write(dir, 'eval_progress.jsonl', lines.join('\n') + '\n');
  const ev = Object.fromEntries(Object.entries(statuses).map(([id, ss]) => [id, ss.map((s) => ({ task_id: id, solution: '', status: s, details: {} }))]));
  write(dir, 'eval_results.json', { version: 1, date: '2026-01-01 00:00:00', eval: ev, pass_at_k: { 'pass@1': 0.5 } });
}

/** A finished run-repo directory whose item k passes at turn passAt[k]. */
export function repoRun(dir: string, model: string, passAt: (number | null)[], chrf: number): void {
  const items: RepoItem[] = passAt.map((p, k) => ({
    format: 'repo-result', version: REPO_RESULT_VERSION, idx: k, dp_id: `django/${k}`, benchmark: 'method_gen_multiturn', model,
    turns: Array.from({ length: p ?? 3 }, (_, t) => ({ turn: t + 1, status: p === t + 1 ? 'OK' as const : 'FAILED' as const, pct: p === t + 1 ? 1 : 0.5, ran: 2, failures: p === t + 1 ? 0 : 1, errors: 0, timed_out: false, code: 'def f(self):\n    pass', cached: false })),
    stop_reason: p ? 'passed_tests' : 'max_turns_reached', final_code: '', chrf, common_prefix_ratio: 0.5,
  }));
  write(dir, 'config.yaml', toYaml({ version: 1, kind: 'repo', model, benchmark: 'method_gen_multiturn', max_iter: 3 }));
  write(dir, 'results.jsonl', items.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write(dir, 'results_summary.json', summarizeRepo(items, { benchmark: 'method_gen_multiturn', model, maxIter: 3, synthetic: true }));
}

/**
 * Runs of every kind below `root`: world/ (compare fixtures: three models live and static on one
 * setting, plus offline:A on two more settings), reasoning/, eval/, repo/.
 */
export function buildAllKinds(root: string): void {
  buildFixtureRuns(join(root, 'world'));
  fakeLiveRun(join(root, 'world', 'live-A-CF'), { setting: 'CF', model: 'offline:A', maxTurns: 3, solvedAt: [null, 0, 2, null] });
  fakeLiveRun(join(root, 'world', 'live-A-SNF'), { setting: 'CF_SNF', model: 'offline:A', maxTurns: 3, solvedAt: [1, 0, 2, null] });
  reasoningRun(join(root, 'reasoning', 'crux-o'), 'offline:0.6', 'cruxeval-o', [[true, true, false, true, false], [false, false, false, false, true], [true, true, true, true, true]]);
  evalRun(join(root, 'eval', 'bcb'), { 'BigCodeBench/0': ['pass'], 'BigCodeBench/1': ['fail'], 'BigCodeBench/2': ['pass'], 'BigCodeBench/3': ['timeout'] });
  repoRun(join(root, 'repo', 'strong'), 'offline:0.9', [1, 1, 2, 1, 3, 1, 2, 1], 80);
}
