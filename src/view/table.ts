import { SETTING_NAMES } from '../episode/settings.js';
import { f1 } from '../compare/format.js';
import type { RunData } from '../compare/load.js';
import { reasoningKs, reasoningPassAtK } from '../compare/reasoning.js';
import { bootstrapCI, mean, type BootstrapOptions, type Interval } from '../metrics/stats.js';
import { passAtK } from '../metrics/pass-at-k.js';
import { shortId, shortModel } from './chart.js';
import type { RunEntry } from './entry.js';
import { convRun } from './task-data.js';

/** One number of a results table, with its interval (shown on hover) and the run it came from. */
export interface Figure {
  value: Interval;
  run: string;
  n: number;
  /** The summary's number; its interval is shown once the run's records are read. */
  pending?: true;
}

export interface TableCell {
  main?: Figure;
  /** The static (replay) figure shown next to the live one. */
  side?: Figure;
}

/** A results table laid out as the papers do: models as rows, settings (or tasks) as columns. */
export interface PaperTable {
  id: string;
  title: string;
  note: string;
  cols: string[];
  rows: { name: string; cells: TableCell[] }[];
}

// Intervals per run object: when one run of hundreds changes, only its cells are resampled again.
const ciMemo = new WeakMap<object, Map<string, Interval>>();
const memoKey = (key: string, boot: BootstrapOptions): string => `${key}:${boot.resamples ?? ''}:${boot.seed ?? ''}`;
function memoCI(run: object, key: string, values: () => number[], boot: BootstrapOptions): Interval {
  let m = ciMemo.get(run);
  if (!m) { m = new Map(); ciMemo.set(run, m); }
  const k = memoKey(key, boot);
  let v = m.get(k);
  if (!v) { v = bootstrapCI(values(), boot); m.set(k, v); }
  return v;
}

const doneTasks = (r: RunData): RunData['tasks'] => r.tasks.filter((t) => !t.error);
const worldValues = (r: RunData, which: 'mrr' | 'recall'): number[] => doneTasks(r).map((t) => (which === 'mrr' ? t.rr : t.recalled ? 1 : 0));

/** Whether the table can show this entry's intervals without reading or resampling anything. */
export function ciReady(e: RunEntry, boot: BootstrapOptions): boolean {
  if (e.lazy) return false;
  const r = convRun(e);
  return !r || (['mrr', 'recall'] as const).every((w) => ciMemo.get(r)?.has(memoKey(w, boot)));
}

/** Computes (and keeps) the intervals the ConvCodeWorld tables show for this entry. */
export function warmCIs(e: RunEntry, boot: BootstrapOptions): void {
  const r = convRun(e);
  if (r) for (const w of ['mrr', 'recall'] as const) memoCI(r, w, () => worldValues(r, w), boot);
}

const ciText = (f: Figure): string => (f.pending ? `${f1(f.value.estimate)} over ${f.n} (interval: records being read)` : `${f1(f.value.estimate)} [${f1(f.value.lo)}, ${f1(f.value.hi)}] over ${f.n}`);

/** The hover text of a cell: both figures with their 95% intervals and runs. */
export function cellTitle(c: TableCell): string {
  return [c.main ? `live ${ciText(c.main)} (${c.main.run})` : '', c.side ? `static ${ciText(c.side)} (${c.side.run})` : ''].filter(Boolean).join('; ');
}

/** The cell as text: "live (static)" x100. */
export const cellText = (c: TableCell): string => (c.main ? f1(c.main.value.estimate) : '-') + (c.side ? ` (${f1(c.side.value.estimate)})` : '');

interface Row { name: string; cells: Map<string, TableCell> }

function addRow(rows: Map<string, Row>, model: string, col: string, id: string, side: boolean): TableCell {
  let name = shortModel(model);
  let row = rows.get(name);
  const taken = (r?: Row): boolean => !!r && !!(side ? r.cells.get(col)?.side : r.cells.get(col)?.main);
  // A second run of one model on one column gets its own row, named by its run id.
  if (taken(row)) { name = `${name} [${shortId(id)}]`; row = rows.get(name); }
  if (!row) { row = { name, cells: new Map() }; rows.set(name, row); }
  let cell = row.cells.get(col);
  if (!cell) { cell = {}; row.cells.set(col, cell); }
  return cell;
}

const finish = (rows: Map<string, Row>, cols: string[]): PaperTable['rows'] =>
  [...rows.values()].sort((a, b) => a.name.localeCompare(b.name)).map((r) => ({ name: r.name, cells: cols.map((c) => r.cells.get(c) ?? {}) }));

/**
 * ConvCodeWorld's tables: MRR and recall, models x the nine settings in the paper's order; live with
 * static next to it. With `pendingOk`, a run whose intervals are not computed yet shows its number
 * alone (from its summary when its records are not read), marked pending.
 */
export function worldTables(entries: RunEntry[], boot: BootstrapOptions, pendingOk = false): PaperTable[] {
  const runs = entries.filter((e) => convRun(e) || (pendingOk && e.lazy && !e.errored && (e.kind === 'world' || e.kind === 'bench')));
  const extra = [...new Set(runs.map((e) => e.setting))].filter((s) => !(SETTING_NAMES as readonly string[]).includes(s)).sort();
  const cols = [...SETTING_NAMES, ...extra];
  const mk = (which: 'mrr' | 'recall'): PaperTable => {
    const rows = new Map<string, Row>();
    for (const e of runs) {
      const r = convRun(e);
      const pending = pendingOk && !ciReady(e, boot);
      // Listed from its summary (no errored episode, so its numbers are the completed tasks' own).
      const n = r ? doneTasks(r).length : e.done;
      const estimate = r ? undefined : which === 'mrr' ? e.mrr : e.recall;
      if (!n || (!r && estimate === undefined)) continue;
      const isStatic = r ? r.mode === 'static' : e.kind === 'bench';
      const cell = addRow(rows, e.model, e.setting, e.id, isStatic);
      const value = !pending ? memoCI(r!, which, () => worldValues(r!, which), boot) : { estimate: estimate ?? mean(worldValues(r!, which)), lo: NaN, hi: NaN };
      cell[isStatic ? 'side' : 'main'] = { value, run: e.id, n, ...(pending ? { pending: true as const } : {}) };
    }
    return {
      id: `world-${which}`, title: `ConvCodeWorld ${which === 'mrr' ? 'MRR' : 'recall'} (x100; live, static in parentheses)`,
      note: 'Bootstrap 95% CI over tasks on hover. Errored episodes are left out of the denominator.', cols, rows: finish(rows, cols),
    };
  };
  return runs.length ? [mk('mrr'), mk('recall')] : [];
}

/** CRUXEval-style table: models x task, pass@1 and pass@5 (a k above the samples per item is not reported). */
export function reasoningTable(entries: RunEntry[], boot: BootstrapOptions): PaperTable[] {
  const runs = entries.filter((e) => e.run?.kind === 'reasoning' && e.run.run.items.length);
  if (!runs.length) return [];
  const tasks = [...new Set(runs.map((e) => e.setting))].sort();
  const cols = tasks.flatMap((t) => [`${t} pass@1`, `${t} pass@5`]);
  const rows = new Map<string, Row>();
  for (const e of runs) {
    if (e.run?.kind !== 'reasoning') continue;
    const r = e.run.run;
    for (const k of reasoningKs(r)) {
      const v = reasoningPassAtK(r, k, boot)!;
      addRow(rows, r.model, `${r.task} pass@${k}`, e.id, false).main = { value: v, run: e.id, n: r.items.length };
    }
  }
  return [{ id: 'reasoning', title: 'Code reasoning pass@k (x100)', note: 'pass@5 only where every item has at least 5 samples. Bootstrap 95% CI over items on hover.', cols, rows: finish(rows, cols) }];
}

/** Repository benchmarks: models x benchmark, pass rate and chrF. */
export function repoTable(entries: RunEntry[], boot: BootstrapOptions): PaperTable[] {
  const runs = entries.filter((e) => e.run?.kind === 'repo');
  if (!runs.length) return [];
  const benches = [...new Set(runs.map((e) => e.setting))].sort();
  const cols = benches.flatMap((b) => [`${b} pass rate`, `${b} chrF`]);
  const rows = new Map<string, Row>();
  for (const e of runs) {
    if (e.run?.kind !== 'repo') continue;
    const r = e.run.run;
    addRow(rows, r.model, `${r.benchmark} pass rate`, e.id, false).main = { value: bootstrapCI(r.items.map((i) => (i.passedAt !== null ? 1 : 0)), boot), run: e.id, n: r.items.length };
    addRow(rows, r.model, `${r.benchmark} chrF`, e.id, false).main = { value: bootstrapCI(r.items.map((i) => i.chrf / 100), boot), run: e.id, n: r.items.length };
  }
  return [{ id: 'repo', title: 'Repository benchmarks (x100)', note: 'Pass rate after the last turn and chrF of the final code; bootstrap 95% CI over items on hover.', cols, rows: finish(rows, cols) }];
}

/** BigCodeBench samples judged by run-eval: pass@1 and pass@5 per samples file. */
export function evalTable(entries: RunEntry[], boot: BootstrapOptions): PaperTable[] {
  const runs = entries.filter((e) => e.run?.kind === 'eval' && e.run.run.tasks.length);
  if (!runs.length) return [];
  const cols = ['pass@1', 'pass@5'];
  const rows = new Map<string, Row>();
  for (const e of runs) {
    if (e.run?.kind !== 'eval') continue;
    const per = e.run.run.tasks.map((t) => ({ n: t.statuses.length, c: t.statuses.filter((s) => s === 'pass').length }));
    const minN = Math.min(...per.map((p) => p.n));
    for (const k of [1, 5]) {
      if (k > minN) continue;
      addRow(rows, e.model, `pass@${k}`, e.id, false).main = { value: bootstrapCI(per.map((p) => passAtK(p.n, p.c, k)), boot), run: e.id, n: per.length };
    }
  }
  return [{ id: 'eval', title: 'BigCodeBench samples judged (run-eval; x100)', note: 'Rows are samples files. Bootstrap 95% CI over tasks on hover.', cols, rows: finish(rows, cols) }];
}

export function allTables(entries: RunEntry[], boot: BootstrapOptions, pendingOk = false): PaperTable[] {
  return [...worldTables(entries, boot, pendingOk), ...reasoningTable(entries, boot), ...repoTable(entries, boot), ...evalTable(entries, boot)];
}

/** The table as Markdown (what "Copy as Markdown" copies). */
export function tableMarkdown(t: PaperTable): string {
  const L = [`| model | ${t.cols.join(' | ')} |`, `|---|${t.cols.map(() => '---').join('|')}|`];
  for (const r of t.rows) L.push(`| ${r.name.replace(/\|/g, '\\|')} | ${r.cells.map(cellText).join(' | ')} |`);
  return L.join('\n') + '\n';
}

const tex = (s: string): string => s.replace(/\\/g, '\\textbackslash{}').replace(/([_%&#$])/g, '\\$1');

/** The table as a LaTeX tabular (booktabs rules). */
export function tableLatex(t: PaperTable): string {
  const L = [`\\begin{tabular}{l${'c'.repeat(t.cols.length)}}`, '\\toprule', `Model & ${t.cols.map(tex).join(' & ')} \\\\`, '\\midrule'];
  for (const r of t.rows) L.push(`${tex(r.name)} & ${r.cells.map((c) => tex(cellText(c))).join(' & ')} \\\\`);
  L.push('\\bottomrule', '\\end{tabular}');
  return L.join('\n') + '\n';
}
