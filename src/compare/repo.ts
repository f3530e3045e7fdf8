import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { summarizeRepo, type RepoSummary } from '../repo/metrics.js';
import { readRepoRun } from '../repo/recompute.js';
import { UserError } from '../util/errors.js';
import { cell, esc, f1, intervalText, pval, signed } from './format.js';
import { bootstrapCI, pairedBootstrapCI, pairedPermutationTest, type BootstrapOptions, type Interval } from '../metrics/stats.js';

/** One item of a run-repo run as compare-runs scores it. */
export interface RepoOutcome {
  dp_id: string;
  /** Turn at which its tests passed, or null. */
  passedAt: number | null;
  /** Share of passing tests at its last turn (0..1). */
  pct: number;
  chrf: number;
}

export interface RepoRunData {
  dir: string;
  label: string;
  benchmark: string;
  model: string;
  maxIter: number;
  synthetic: boolean;
  items: RepoOutcome[];
  /** Recomputed from results.jsonl (the same function wrote results_summary.json). */
  summary: RepoSummary;
}

export interface RepoRunMetrics {
  run: RepoRunData;
  /** pass rate after the last turn, share of passing tests at the last turn, chrF (0..100), over items. */
  passRate: Interval;
  percentPass: Interval;
  chrf: Interval;
}

export interface RepoPaired {
  a: string;
  b: string;
  n: number;
  passDiff: Interval;
  passP: number;
  chrfDiff: Interval;
  chrfP: number;
}

export interface RepoComparison {
  runs: RepoRunMetrics[];
  paired: RepoPaired[];
}

/** A run-repo directory: it has results_summary.json (run-world and run-bench have summary.json). */
export const isRepoRunDir = (dir: string): boolean => existsSync(join(dir, 'results_summary.json'));

/** Reads a run-repo directory; the last record of an item wins, as on resume. */
export function loadRepoRun(dir: string): RepoRunData {
  const { stored, records } = readRepoRun(dir);
  if (!records.length) throw new UserError('BAD_RUN', `${dir}: run-repo directory without results (results.jsonl)`);
  const items = records.map((r) => {
    const ok = r.turns.find((t) => t.status === 'OK');
    return { dp_id: r.dp_id, passedAt: ok ? ok.turn : null, pct: r.turns.length ? r.turns[r.turns.length - 1]!.pct : 0, chrf: r.chrf };
  });
  return {
    dir, label: basename(dir), benchmark: stored.benchmark, model: stored.model, maxIter: stored.max_iter, synthetic: !!stored.synthetic, items,
    summary: summarizeRepo(records, { benchmark: stored.benchmark, model: stored.model, maxIter: stored.max_iter, synthetic: !!stored.synthetic }),
  };
}

const name = (r: RepoRunData): string => `${r.model} ${r.benchmark}`;

/** Metrics with bootstrap CIs per run; paired tests between runs of one benchmark over the same items. */
export function compareRepoRuns(runs: RepoRunData[], boot: BootstrapOptions & { seed: number }): RepoComparison {
  const metrics = runs.map((run) => ({
    run,
    passRate: bootstrapCI(run.items.map((i) => (i.passedAt !== null ? 1 : 0)), boot),
    percentPass: bootstrapCI(run.items.map((i) => i.pct), boot),
    chrf: bootstrapCI(run.items.map((i) => i.chrf / 100), boot),
  }));
  const paired: RepoPaired[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      const bi = new Map(b.items.map((x) => [x.dp_id, x]));
      if (a.benchmark !== b.benchmark || a.items.length !== b.items.length || !a.items.every((x) => bi.has(x.dp_id))) continue;
      const pa = a.items.map((x) => (x.passedAt !== null ? 1 : 0));
      const pb = a.items.map((x) => (bi.get(x.dp_id)!.passedAt !== null ? 1 : 0));
      const ca = a.items.map((x) => x.chrf / 100);
      const cb = a.items.map((x) => bi.get(x.dp_id)!.chrf / 100);
      paired.push({
        a: name(a), b: name(b), n: pa.length,
        passDiff: pairedBootstrapCI(pa, pb, boot), passP: pairedPermutationTest(pa, pb, { seed: boot.seed }).p,
        chrfDiff: pairedBootstrapCI(ca, cb, boot), chrfP: pairedPermutationTest(ca, cb, { seed: boot.seed }).p,
      });
    }
  }
  return { runs: metrics, paired };
}

/** Markdown of the repository-level runs (empty when there are none). */
export function repoMarkdown(c: RepoComparison): string[] {
  if (!c.runs.length) return [];
  const turns = Math.max(...c.runs.map((m) => m.run.maxIter));
  const L = ['## Repository-level runs (run-repo; x100, bootstrap 95% CI over items)', ''];
  L.push(`| model | benchmark | items | pass rate | percent pass | chrF | ${Array.from({ length: turns }, (_, k) => `pass_rate@${k + 1}`).join(' | ')} |`);
  L.push(`|---|---|---|---|---|---|${Array.from({ length: turns }, () => '---').join('|')}|`);
  for (const m of c.runs) {
    const rates = Array.from({ length: turns }, (_, k) => m.run.summary.pass_rates[`pass_rate@${k + 1}`]);
    L.push(`| ${cell(m.run.model)}${m.run.synthetic ? ' (synthetic)' : ''} | ${m.run.benchmark} | ${m.run.items.length} | ${intervalText(m.passRate)} | ${intervalText(m.percentPass)} | ${intervalText(m.chrf)} | ${rates.map((r) => (r === undefined ? '' : r.toFixed(1))).join(' | ')} |`);
  }
  if (c.paired.length) {
    L.push('', '### Paired differences between run-repo runs (same benchmark and items; A - B, x100)', '');
    L.push('| A | B | items | Δpass rate [95% CI] | p | ΔchrF [95% CI] | p |', '|---|---|---|---|---|---|---|');
    for (const d of c.paired) L.push(`| ${cell(d.a)} | ${cell(d.b)} | ${d.n} | ${intervalText(d.passDiff, signed)} | ${pval(d.passP)} | ${intervalText(d.chrfDiff, signed)} | ${pval(d.chrfP)} |`);
  }
  return L;
}

/** The same table for the HTML report (empty when there are no run-repo runs). */
export function repoHtml(c: RepoComparison): string {
  if (!c.runs.length) return '';
  const cellCi = (m: Interval): string => `<td>${f1(m.estimate)} <span class="ci">[${f1(m.lo)}, ${f1(m.hi)}]</span></td>`;
  const rows = c.runs.map((m) => `<tr><td>${esc(m.run.model)}${m.run.synthetic ? ' (synthetic)' : ''}</td><td>${esc(m.run.benchmark)}</td><td>${m.run.items.length}</td>${cellCi(m.passRate)}${cellCi(m.percentPass)}${cellCi(m.chrf)}</tr>`).join('\n');
  return `<h2>Repository-level runs (run-repo)</h2>
<table class="data" id="repo-table"><thead><tr><th>model</th><th>benchmark</th><th>items</th><th>pass rate</th><th>percent pass</th><th>chrF</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}
