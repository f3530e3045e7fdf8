import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { expandRunDirs, readRun, type RoleCost, type RunData } from './load.js';
import { reasoningMarkdown, type ReasoningRunData } from './reasoning.js';
import { addCounts, zeroCounts } from '../world/summary.js';
import { cell, intervalText, pval, runName, signed, turnCell } from './format.js';

export { runName };
import { compareRepoRuns, repoMarkdown, type RepoComparison, type RepoRunData } from './repo.js';
import { comparabilityDiff } from '../world/comparability.js';
import { dedupe, liveStaticDiff, protocolGroups, protocolWarning, who, type ProtocolCheck } from './protocols.js';
import { bootstrapCI, pairedBootstrapCI, pairedPermutationTest, spearman, type Interval } from '../metrics/stats.js';

/** Options of compare-runs; the defaults are the command's. */
export const CompareOptionsSchema = z.object({
  /** Bootstrap resamples over tasks. */
  resamples: z.number().int().positive().default(2000),
  /** Seed of the bootstrap and of Monte Carlo permutations. */
  seed: z.number().int().default(1),
  /** Most paired tests listed. */
  maxPairs: z.number().int().positive().default(100),
});
export type CompareOptions = z.input<typeof CompareOptionsSchema>;

export interface RunMetrics {
  run: RunData;
  /** Completed tasks (the metrics' denominator); errored ones are in run.errored. */
  n: number;
  mrr: Interval;
  recall: Interval;
}

/** One model x setting: its live and static runs side by side. */
export interface CompareRow {
  model: string;
  setting: string;
  live?: RunMetrics;
  static?: RunMetrics;
}

export interface PairedComparison {
  a: string;
  b: string;
  n: number;
  mrrDiff: Interval;
  mrrP: number;
  recallDiff: Interval;
  recallP: number;
  exact: boolean;
}

export interface Correlation {
  rho: number | null;
  n: number;
  pairs: { model: string; setting: string; live: number; static: number }[];
}

export interface Comparison {
  runs: RunData[];
  rows: CompareRow[];
  settings: string[];
  maxTurns: number;
  spearman: { mrr: Correlation; recall: Correlation };
  paired: PairedComparison[];
  /** Pairs over the same tasks with no test: some tasks errored on one side (a rerun retries them). */
  refused: { a: string; b: string; errored: { a: string[]; b: string[] } }[];
  /**
   * Runs under different protocols (protocol, turn-0 prompt, time limit, turns, simulator, prompt
   * templates): their numbers are flagged, and no paired test or live-vs-static correlation is
   * computed across them (each pair is listed with the keys that differ).
   */
  protocols: ProtocolCheck;
  pairsOmitted: number;
  options: z.output<typeof CompareOptionsSchema>;
  /** run-repo runs, when some were given (scored apart: pass rate and chrF, not MRR). */
  repo?: RepoComparison;
  /** run-reasoning runs (pass@k per item, apart). */
  reasoning?: ReasoningRunData[];
}

export { protocolWarning };

/** Compares the runs found under the arguments, each read by its kind: run-world and run-bench together, run-repo and run-reasoning in their own tables. */
export function compareRunDirs(args: string[], o: CompareOptions = {}): Comparison {
  const runs: RunData[] = [];
  const repo: RepoRunData[] = [];
  const reasoning: ReasoningRunData[] = [];
  for (const l of expandRunDirs(args).map((d) => readRun(d))) {
    if (l.kind === 'world' || l.kind === 'bench') runs.push(l.run);
    else if (l.kind === 'repo') repo.push(l.run);
    else if (l.kind === 'reasoning') reasoning.push(l.run);
  }
  const c = compareRuns(runs, o);
  return {
    ...c,
    ...(repo.length ? { repo: compareRepoRuns(repo, { resamples: c.options.resamples, seed: c.options.seed }) } : {}),
    ...(reasoning.length ? { reasoning } : {}),
  };
}

/** Builds the comparison: metrics with CIs per run, rows per model x setting, correlations, paired tests. */
export function compareRuns(runs: RunData[], o: CompareOptions = {}): Comparison {
  const opts = parseOptions(CompareOptionsSchema, o);
  const boot = { resamples: opts.resamples, seed: opts.seed };
  const metrics = (run: RunData): RunMetrics => {
    // Errored episodes are scored as unsolved when the run's protocol says so, else left out.
    const done = run.erroredScored ? run.tasks : run.tasks.filter((t) => !t.error);
    return { run, n: done.length, mrr: bootstrapCI(done.map((t) => t.rr), boot), recall: bootstrapCI(done.map((t) => (t.recalled ? 1 : 0)), boot) };
  };
  const rows = new Map<string, CompareRow>();
  for (const run of runs) {
    let model = run.model;
    let key = `${model}\u0000${run.setting}`;
    // A second run of the same mode for the same model x setting gets its own row.
    if (rows.get(key)?.[run.mode]) {
      model = `${run.model} [${run.label}]`;
      key = `${model}\u0000${run.setting}`;
    }
    const row = rows.get(key) ?? { model, setting: run.setting };
    row[run.mode] = metrics(run);
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => (a.setting === b.setting ? (a.model < b.model ? -1 : 1) : a.setting < b.setting ? -1 : 1));

  // Rounded so that equal scores summed in another order still tie in the ranks.
  const tieSafe = (x: number): number => Math.round(x * 1e9) / 1e9;
  const protocolRefused: Comparison['protocols']['refused'] = [];
  const corrRows = sorted.filter((r) => {
    if (!r.live || !r.static) return false;
    const differ = liveStaticDiff(r.live.run, r.static.run);
    if (differ.length) protocolRefused.push({ a: who(r.live.run), b: who(r.static.run), differ });
    return !differ.length;
  });
  const corr = (pick: (m: RunMetrics) => number): Correlation => {
    const pairs = corrRows.map((r) => ({ model: r.model, setting: r.setting, live: tieSafe(pick(r.live!)), static: tieSafe(pick(r.static!)) }));
    return { rho: pairs.length >= 2 ? spearman(pairs.map((p) => p.live), pairs.map((p) => p.static)) : null, n: pairs.length, pairs };
  };

  // Paired tests over exactly the same tasks: two runs given, or runs that differ in one of model,
  // setting and mode (two models on a setting, two settings for a model, live vs static).
  const paired: PairedComparison[] = [];
  const refused: Comparison['refused'] = [];
  let omitted = 0;
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      if (!sameTasks(a, b)) continue;
      const differ = Number(a.model !== b.model) + Number(a.setting !== b.setting) + Number(a.mode !== b.mode);
      if (runs.length > 2 && differ > 1) continue;
      const protocolDiffer = a.mode === b.mode ? comparabilityDiff(a.comparability, b.comparability) : liveStaticDiff(a.mode === 'live' ? a : b, a.mode === 'live' ? b : a);
      if (protocolDiffer.length) {
        protocolRefused.push({ a: who(a), b: who(b), differ: protocolDiffer });
        continue;
      }
      if (a.errored.length || b.errored.length) {
        // An errored task has no outcome on that side: a paired test would compare it as a failure.
        refused.push({ a: runName(a), b: runName(b), errored: { a: a.errored, b: b.errored } });
        continue;
      }
      if (paired.length >= opts.maxPairs) { omitted++; continue; }
      const bt = new Map(b.tasks.map((t) => [t.task_id, t]));
      const ids = a.tasks.map((t) => t.task_id);
      const ra = a.tasks.map((t) => t.rr);
      const rb = ids.map((id) => bt.get(id)!.rr);
      const ca = a.tasks.map((t) => (t.recalled ? 1 : 0));
      const cb = ids.map((id) => (bt.get(id)!.recalled ? 1 : 0));
      const pm = pairedPermutationTest(ra, rb, { seed: opts.seed });
      const pr = pairedPermutationTest(ca, cb, { seed: opts.seed });
      paired.push({
        a: runName(a), b: runName(b), n: ids.length,
        mrrDiff: pairedBootstrapCI(ra, rb, boot), mrrP: pm.p,
        recallDiff: pairedBootstrapCI(ca, cb, boot), recallP: pr.p,
        exact: pm.exact && pr.exact,
      });
    }
  }
  return {
    runs,
    rows: sorted,
    settings: [...new Set(runs.map((r) => r.setting))].sort(),
    maxTurns: Math.max(0, ...runs.map((r) => r.maxTurns)),
    spearman: { mrr: corr((m) => m.mrr.estimate), recall: corr((m) => m.recall.estimate) },
    paired,
    refused,
    protocols: { groups: protocolGroups(runs), refused: dedupe(protocolRefused) },
    pairsOmitted: omitted,
    options: opts,
  };
}

function sameTasks(a: RunData, b: RunData): boolean {
  if (a.tasks.length !== b.tasks.length || a.tasks.length === 0) return false;
  const ids = new Set(a.tasks.map((t) => t.task_id));
  return b.tasks.every((t) => ids.has(t.task_id));
}

const ci = (m?: RunMetrics, which: 'mrr' | 'recall' = 'mrr'): string => (m ? intervalText(m[which]) : '-');
const rho = (c: Correlation): string => (c.rho === null ? `n/a (${c.n} model x setting pair${c.n === 1 ? '' : 's'} with both live and static; undefined with fewer than 2 pairs or no variation on a side)` : `${c.rho.toFixed(3)} over ${c.n} pairs`);

/** The comparison as Markdown tables (also what compare-runs prints). */
export function toMarkdown(c: Comparison): string {
  const L: string[] = [];
  if (c.repo) L.push(...repoMarkdown(c.repo), '');
  if (c.reasoning) L.push(...reasoningMarkdown(c.reasoning, { resamples: c.options.resamples, seed: c.options.seed }), '');
  if (!c.runs.length) return L.join('\n') + (c.repo?.runs.some((m) => m.run.synthetic) || c.reasoning?.some((r) => r.synthetic) ? '\n_Runs marked synthetic used offline models: their numbers say nothing about any real LLM._\n' : '');
  const warning = protocolWarning(c);
  if (warning) {
    L.push('## Protocols differ: NOT COMPARABLE', '', `**${warning}**`, '');
    for (const g of c.protocols.groups) L.push(`- ${g.comparability}: ${g.runs.map(cell).join(', ')}`);
    for (const r of c.protocols.refused) L.push(`- refused: ${cell(r.a)} vs ${cell(r.b)} (differ in ${r.differ.join(', ')})`);
    L.push('');
  } else if (c.protocols.groups[0]) {
    L.push(`All runs: ${c.protocols.groups[0].comparability}.`, '');
  }
  L.push('## MRR and recall (x100, bootstrap 95% CI over tasks)', '');
  L.push('Over all tasks when the protocol scores errored episodes (an endpoint that kept failing) as unsolved (convcodeworld); else over the completed tasks, errored ones counted apart.', '');
  L.push('| model | setting | live MRR | static MRR | live recall | static recall | tasks (live / static) | errored (live / static) | reference |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of c.rows) {
    L.push(`| ${cell(r.model)} | ${r.setting} | ${ci(r.live)} | ${ci(r.static)} | ${ci(r.live, 'recall')} | ${ci(r.static, 'recall')} | ${r.live?.n ?? '-'} / ${r.static?.n ?? '-'} | ${r.live?.run.errored.length ?? '-'} / ${r.static?.run.errored.length ?? '-'} | ${cell(r.static?.run.referenceModel ?? '-')} |`);
  }
  const sets = [...new Set(c.rows.flatMap((r) => [r.live, r.static]).flatMap((m) => (m?.run.dataset ? [m.run.dataset] : [])))];
  if (sets.length) L.push('', `Data set${sets.length > 1 ? 's' : ''}: ${sets.join(', ')}${sets.length > 1 ? ' (runs on different data sets: their numbers are not comparable)' : ''}`);
  L.push('', `## pass@1 by turn (x100)`, '');
  const turns = Array.from({ length: c.maxTurns + 1 }, (_, t) => t);
  L.push(`| model | setting | mode | ${turns.join(' | ')} |`);
  L.push(`|---|---|---|${turns.map(() => '---').join('|')}|`);
  for (const r of c.rows) {
    for (const m of [r.live, r.static]) {
      if (!m) continue;
      L.push(`| ${cell(r.model)} | ${r.setting} | ${m.run.mode} | ${turns.map((t) => turnCell(m.run.passAt1ByTurn, t)).join(' | ')} |`);
    }
  }
  L.push('', '## Live vs static rank agreement (Spearman, ties averaged)', '');
  L.push(`- MRR: ${rho(c.spearman.mrr)}`);
  L.push(`- recall: ${rho(c.spearman.recall)}`);
  if (c.paired.length) {
    L.push('', '## Paired differences (runs over the same tasks; A - B, x100)', '');
    L.push('Paired bootstrap 95% CI; p-value of a two-sided sign-flip permutation test on per-task reciprocal ranks (MRR) and solved flags (recall).', '');
    L.push('| A | B | tasks | ΔMRR [95% CI] | p | Δrecall [95% CI] | p |');
    L.push('|---|---|---|---|---|---|---|');
    for (const p of c.paired) {
      L.push(`| ${cell(p.a)} | ${cell(p.b)} | ${p.n} | ${intervalText(p.mrrDiff, signed)} | ${pval(p.mrrP)} | ${intervalText(p.recallDiff, signed)} | ${pval(p.recallP)} |`);
    }
    if (c.pairsOmitted) L.push('', `(${c.pairsOmitted} more pairs over the same tasks not listed)`);
  }
  if (c.refused.length) {
    L.push('', '## Paired tests refused (tasks errored on one side; rerun those runs to retry them)', '');
    for (const r of c.refused) {
      const list = (ids: string[]): string => (ids.length ? `${ids.length} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})` : '0');
      L.push(`- ${cell(r.a)} vs ${cell(r.b)}: errored tasks ${list(r.errored.a)} / ${list(r.errored.b)}`);
    }
  }
  L.push(...costSection(c));
  if (c.runs.some((r) => r.synthetic)) L.push('', '_Runs marked synthetic used offline models: their numbers say nothing about any real LLM._');
  L.push('', `Runs: ${c.runs.map((r) => `${r.label} (${r.mode}${r.synthetic ? ', synthetic' : ''})`).join(', ')}. Bootstrap: ${c.options.resamples} resamples, seed ${c.options.seed}.`);
  return L.join('\n') + '\n';
}

const tokens = (u: RoleCost): string => `${u.calls} / ${u.input_tokens + u.output_tokens}`;

/**
 * Calls and tokens per role, live vs static, for the model x setting rows that have both: what
 * replaying the recorded user feedback saves (the simulator's calls) and what it does not (the coder's).
 */
function costSection(c: Comparison): string[] {
  const both = c.rows.filter((r) => r.live?.run.usage && r.static?.run.usage);
  if (!both.length) return [];
  const L = ['', '## Calls and tokens per role, live vs static (calls / input+output tokens)', ''];
  L.push('| model | setting | live coder | live user | static coder | static user |', '|---|---|---|---|---|---|');
  const sum = { lc: zeroCounts(), lu: zeroCounts(), sc: zeroCounts(), su: zeroCounts() };
  for (const r of both) {
    const lu = r.live!.run.usage!;
    const su = r.static!.run.usage!;
    addCounts(sum.lc, lu.coder); addCounts(sum.lu, lu.user); addCounts(sum.sc, su.coder); addCounts(sum.su, su.user);
    L.push(`| ${cell(r.model)} | ${r.setting} | ${tokens(lu.coder)} | ${tokens(lu.user)} | ${tokens(su.coder)} | ${tokens(su.user)} |`);
  }
  L.push(`| all | | ${tokens(sum.lc)} | ${tokens(sum.lu)} | ${tokens(sum.sc)} | ${tokens(sum.su)} |`);
  const liveAll = sum.lc.input_tokens + sum.lc.output_tokens + sum.lu.input_tokens + sum.lu.output_tokens;
  const staticAll = sum.sc.input_tokens + sum.sc.output_tokens + sum.su.input_tokens + sum.su.output_tokens;
  if (liveAll > 0) {
    L.push('', `Static runs used ${sum.su.calls} simulator calls against ${sum.lu.calls} live, and ${((staticAll / liveAll) * 100).toFixed(1)}% of the live runs' tokens over both roles.`);
  }
  return L;
}
