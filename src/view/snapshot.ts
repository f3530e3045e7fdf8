import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { describeRun } from './entry.js';
import { snapshotHtml } from './layout.js';
import { protocolWarning, type Comparison } from '../compare/compare.js';

export { lineChartSvg } from './chart.js';

export const HtmlOptionsSchema = z.object({
  /** Most tasks per run in the per-task view (the tables and charts always use all). */
  maxTasks: z.number().int().positive().default(300),
  title: z.string().default('codeconv-eval: runs compared'),
});
export type HtmlOptions = z.input<typeof HtmlOptionsSchema>;

/** The run directories a comparison read, in its order. */
const dirsOf = (c: Comparison): string[] => [...c.runs.map((r) => r.dir), ...(c.repo?.runs.map((m) => m.run.dir) ?? []), ...(c.reasoning?.map((r) => r.dir) ?? [])];

/** A static snapshot of the viewer's pages for the compared runs: the same renderers `view` serves, in one file. */
export function toHtml(c: Comparison, o: HtmlOptions = {}): string {
  const { maxTasks, title } = parseOptions(HtmlOptionsSchema, o);
  const dirs = dirsOf(c);
  // Ids: paths below the runs' common parent, as the viewer names them below its directory.
  const parts = dirs.map((d) => d.split('/'));
  let k = 0;
  while (parts.length && parts.every((p) => p.length > k + 1 && p[k] === parts[0]![k])) k++;
  const entries = dirs.map((d, i) => describeRun(d, parts[i]!.slice(k).join('/') || d, true));
  const warning = protocolWarning(c);
  const protocolLines = warning ? [warning, ...c.protocols.groups.map((g) => `${g.comparability}: ${g.runs.join(', ')}`)] : undefined;
  return snapshotHtml(entries, { title, maxTasks, maxPairs: c.options.maxPairs, boot: { resamples: c.options.resamples, seed: c.options.seed }, ...(protocolLines ? { protocolWarning: protocolLines } : {}) });
}
