import type { Interval } from '../metrics/stats.js';

/** Text made safe inside HTML elements and double-quoted attributes. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A share as x100 with one decimal ("n/a" when undefined). */
export const f1 = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(1) : 'n/a');

/** A difference as signed x100 with one decimal. */
export const signed = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}` : 'n/a');

/** "estimate [lo, hi]", x100; `fmt` = signed for differences. */
export const intervalText = (m: Interval, fmt: (x: number) => string = f1): string => `${fmt(m.estimate)} [${fmt(m.lo)}, ${fmt(m.hi)}]`;

export const pval = (p: number): string => (p < 0.001 ? '<0.001' : p.toFixed(3));

/** A Markdown table cell: pipes escaped. */
export const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** One turn of a by-turn series: "n/a" for a run with no completed episode (no score is not a score of 0), blank past its last turn. */
export const turnCell = (values: number[], t: number): string => (values.length === 0 ? 'n/a' : t < values.length ? f1(values[t]!) : '');

/** Runs' label for tables: model, setting and mode. */
export function runName(r: { model: string; setting: string; mode: string; referenceModel?: string | undefined }): string {
  return `${r.model} ${r.setting} ${r.mode}${r.mode === 'static' && r.referenceModel ? ` (ref ${r.referenceModel})` : ''}`;
}
