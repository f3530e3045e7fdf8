import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { passAtK } from '../metrics/pass-at-k.js';
import { readRunConfig } from '../run/config.js';
import { UserError } from '../util/errors.js';
import { countJournalLines } from './journal.js';
import { cell, intervalText } from './format.js';
import { bootstrapCI, type BootstrapOptions, type Interval } from '../metrics/stats.js';

/** A run-reasoning directory (CRUXEval, CodeGlance, Case2Code) as the viewer and compare-runs read it. */
export interface ReasoningRunData {
  dir: string;
  label: string;
  task: string;
  model: string;
  n: number;
  synthetic: boolean;
  /** Per item, one verdict per sample (scored.json); empty while the run generates. */
  items: { id: string; scored: boolean[] }[];
  /** pass@k x100 as its summary.json reports it. */
  passAtK: Record<string, number>;
  /** Calls journaled so far (calls.jsonl lines). */
  calls: number;
  finished: boolean;
  temperature?: number;
  cot?: boolean;
}

const readJson = (file: string): Record<string, unknown> => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError('BAD_RUN', `${file}: unreadable (${(err as Error).message.split('\n')[0]})`);
  }
};

export function loadReasoningRun(dir: string): ReasoningRunData {
  const cfg = readRunConfig(dir) ?? {};
  const sFile = join(dir, 'summary.json');
  const s = existsSync(sFile) ? readJson(sFile) : {};
  const scoredFile = join(dir, 'scored.json');
  const sc = existsSync(scoredFile) ? readJson(scoredFile) : {};
  const raw = (sc.raw_scored_generations ?? {}) as Record<string, unknown>;
  const items = Object.entries(raw)
    .filter((e): e is [string, boolean[]] => Array.isArray(e[1]))
    .map(([id, scored]) => ({ id, scored: scored.map((b) => b === true) }))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);
  return {
    dir, label: basename(dir),
    task: str(s.task) ?? str(cfg.task) ?? '?',
    model: str(s.model) ?? str(cfg.model) ?? '?',
    n: num(s.n) ?? num(cfg.n) ?? (items[0]?.scored.length ?? 1),
    synthetic: s.synthetic === true || sc.synthetic === true,
    items,
    passAtK: (s.pass_at_k ?? {}) as Record<string, number>,
    calls: countJournalLines(join(dir, 'calls.jsonl')),
    finished: existsSync(sFile),
    ...(num(s.temperature ?? cfg.temperature) !== undefined ? { temperature: num(s.temperature ?? cfg.temperature)! } : {}),
    ...(typeof (s.cot ?? cfg.cot) === 'boolean' ? { cot: (s.cot ?? cfg.cot) as boolean } : {}),
  };
}

/** The ks a reasoning table shows: 1 and 5 (CRUXEval's), each only where every item has n >= k samples. */
export function reasoningKs(r: ReasoningRunData): number[] {
  const minN = r.items.length ? Math.min(...r.items.map((i) => i.scored.length)) : 0;
  return [1, 5].filter((k) => k <= minN);
}

/** pass@k over items with a bootstrap CI (0..1); undefined when some item has fewer than k samples. */
export function reasoningPassAtK(r: ReasoningRunData, k: number, boot: BootstrapOptions): Interval | undefined {
  if (!reasoningKs(r).includes(k)) return undefined;
  return bootstrapCI(r.items.map((i) => passAtK(i.scored.length, i.scored.filter(Boolean).length, k)), boot);
}

/** Markdown of reasoning runs: pass@1 / pass@5 with CIs; a k above some item's n is not reported. */
export function reasoningMarkdown(runs: ReasoningRunData[], boot: BootstrapOptions): string[] {
  if (!runs.length) return [];
  const L = ['## Code reasoning runs (run-reasoning; pass@k x100, bootstrap 95% CI over items)', ''];
  L.push('| model | task | items | n | pass@1 | pass@5 |', '|---|---|---|---|---|---|');
  for (const r of runs) {
    const c = (k: number): string => {
      const i = reasoningPassAtK(r, k, boot);
      return i ? intervalText(i) : `- (n < ${k})`;
    };
    L.push(`| ${cell(r.model)}${r.synthetic ? ' (synthetic)' : ''} | ${cell(r.task)} | ${r.items.length} | ${r.n} | ${c(1)} | ${c(5)} |`);
  }
  return L;
}
