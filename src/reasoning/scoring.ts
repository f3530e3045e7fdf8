import type { CheckItem, CheckResult } from '../sandbox/types.js';
import { countsOf, passAtKTable } from '../metrics/pass-at-k.js';
import { UserError } from '../util/errors.js';
import { CASE2CODE_TIMEOUT_S, case2codeCheck, judgeCase2Code, type Case2CodeOutcome } from './case2code.js';
import { decideLiteralChecks } from './literal.js';
import { runCheckBatches } from './check-batches.js';
import { extractCode } from './postprocess.js';
import { ScorerOptionSchema, type GenerationsMap, type ReasoningItem, type ReasoningTask, type ScorerVersion } from './types.js';

/** Time limit of one CRUXEval / CodeGlance judgment, seconds. */
export const ASSERT_TIMEOUT_S = 3;

import type { CheckRunner } from './check-batches.js';

export type { CheckRunner };

export interface ScoreOptions {
  scorer?: ScorerVersion;
  sandbox: CheckRunner;
  /**
   * Judge identical check programs once (default true). Each judgment runs the same text in a
   * fresh child under the same limit, so repeating it only repeats the work; the copies also get
   * one outcome where the outcome depends on the interpreter's hash seed, as in the upstream scorer
   * (one seed per run).
   */
  dedupe?: boolean;
  /** Upstream way: one fresh python3 per judgment instead of a forked warm child. */
  fresh?: boolean;
  /**
   * Decide checks that only compare two literals (most CRUXEval-O and CodeGlance answers) in one
   * classifier child instead of one child each; same outcomes (see literal.ts). Default true,
   * except with `fresh`.
   */
  literalFastPath?: boolean;
  /** Items per runChecks call (default: chosen from the number of judgments). */
  batchSize?: number;
  /** Extra pass@k values to report beside 1, 5 and the task's own. */
  ks?: number[];
  onProgress?: (done: number, total: number) => void;
}

/** How one generation was judged. */
export type Verdict =
  | { kind: 'filtered'; reason: string }
  | { kind: 'judged'; pass: boolean; timedOut: boolean; error?: string; case2code?: Case2CodeOutcome };

export interface ScoreCounts {
  samples: number;
  generations: number;
  filtered: number;
  /** Distinct check programs (after de-duplication). */
  judgments: number;
  /** Of those, decided by the literal fast path rather than in a child of their own. */
  literalDecided: number;
  passed: number;
  timedOut: number;
  /** Samples with at least one True. */
  solvedSamples: number;
}

export interface ScoreResult {
  task: string;
  scorer: ScorerVersion;
  /** Scored answers in task order (already post-processed). */
  generations: GenerationsMap;
  scored: Record<string, boolean[]>;
  verdicts: Record<string, Verdict[]>;
  /** `pass_at_<k>` -> percentage, for each k no larger than the generations per sample. */
  passAtK: Record<string, number>;
  /** `pass_at_<k>` -> why that k is not reported. */
  passAtKSkipped: Record<string, string>;
  counts: ScoreCounts;
  durationMs: number;
}

/** The ks reported for a task: 1, 5 and the task's own. */
export function reportedKs(task: ReasoningTask, extra: number[] = []): number[] {
  return [...new Set([1, 5, ...task.reportKs, ...extra])].sort((a, b) => a - b);
}

/** Why a generation is not judged at all (CRUXEval only), or undefined. */
export function filterReason(item: ReasoningItem, mode: ReasoningTask['mode'], g: string): string | undefined {
  if (item.family !== 'cruxeval') return undefined;
  if (mode === 'input' && !g.includes('f(')) return 'no call of f';
  if (mode === 'output' && g.includes(`f(${item.input})`)) return 'answer contains the call';
  return undefined;
}

/** The program whose clean run means the generation is correct. */
export function checkProgram(item: ReasoningItem, g: string): CheckItem {
  switch (item.family) {
    case 'cruxeval':
      return { code: `${item.code}\nassert ${item.output} == ${g}`, timeoutS: ASSERT_TIMEOUT_S };
    case 'codeglance':
      return { code: `assert ${item.result} == ${g}`, timeoutS: ASSERT_TIMEOUT_S };
    case 'case2code':
      return { code: case2codeCheck(item, extractCode(g)), timeoutS: CASE2CODE_TIMEOUT_S };
  }
}

/**
 * Validates a generations mapping against a task: every id must belong to it, every entry must be
 * a non-empty list of strings. Returns the entries in task order. Bad input is a UserError.
 */
export function validateGenerations(task: ReasoningTask, generations: unknown, source = 'generations'): [ReasoningItem, string[]][] {
  if (!generations || typeof generations !== 'object' || Array.isArray(generations)) {
    throw new UserError('BAD_GENERATIONS', `${source}: expected an object mapping sample ids to lists of generations`);
  }
  const map = generations as Record<string, unknown>;
  const unknown = Object.keys(map).filter((id) => !task.byId.has(id));
  if (unknown.length) {
    const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? `, ... (${unknown.length} in all)` : '');
    throw new UserError('UNKNOWN_IDS', `${source}: ids not in task ${task.name}: ${shown}`);
  }
  for (const [id, list] of Object.entries(map)) {
    if (!Array.isArray(list)) throw new UserError('BAD_GENERATIONS', `${source}: entry ${id} is not a list`);
    if (list.length === 0) throw new UserError('BAD_GENERATIONS', `${source}: entry ${id} is an empty list`);
    const bad = list.findIndex((g) => typeof g !== 'string');
    if (bad >= 0) throw new UserError('BAD_GENERATIONS', `${source}: entry ${id}[${bad}] is not a string`);
  }
  if (Object.keys(map).length === 0) throw new UserError('BAD_GENERATIONS', `${source}: no generations`);
  return task.items.filter((it) => it.id in map).map((it) => [it, map[it.id] as string[]]);
}

/** Every generation of a task judged once, before any scorer version is applied. */
export interface JudgedGenerations {
  task: ReasoningTask;
  /** In task order. */
  entries: { item: ReasoningItem; gens: string[]; verdicts: Verdict[] }[];
  /** Check programs run (after de-duplication). */
  judgments: number;
  /** Of those, decided as literal comparisons without a child of their own. */
  literalDecided: number;
  durationMs: number;
}

/**
 * Judges generations (already post-processed answers; for Case2Code the model text, from which
 * the code block is taken) of a task through the sandbox, with the task's rules.
 */
export async function judgeGenerations(
  task: ReasoningTask,
  generations: GenerationsMap,
  opts: Omit<ScoreOptions, 'scorer' | 'ks'>,
): Promise<JudgedGenerations> {
  const t0 = performance.now();
  const entries = validateGenerations(task, generations);
  const dedupe = opts.dedupe !== false;

  // Plan: one slot per generation, either filtered or pointing at a check program.
  const checks: CheckItem[] = [];
  const checkIndex = new Map<string, number>();
  const plan = entries.map(([item, gens]) => {
    const slots = gens.map((g): { filtered: string } | { check: number } => {
      const reason = filterReason(item, task.mode, g);
      if (reason) return { filtered: reason };
      const check = checkProgram(item, g);
      let at = dedupe ? checkIndex.get(check.code) : undefined;
      if (at === undefined) {
        at = checks.push(check) - 1;
        if (dedupe) checkIndex.set(check.code, at);
      }
      return { check: at };
    });
    return { item, gens, slots };
  });

  const fast = (opts.literalFastPath ?? !opts.fresh) && task.family !== 'case2code' && task.mode !== 'input';
  const decided = fast ? await decideLiteralChecks(opts.sandbox, checks) : checks.map(() => null);
  const rest = checks.map((_, i) => i).filter((i) => decided[i] === null);
  const literalDecided = checks.length - rest.length;
  const ran = await runCheckBatches(opts.sandbox, rest.map((i) => checks[i]!), {
    fresh: opts.fresh, batchSize: opts.batchSize, onProgress: (d, t) => opts.onProgress?.(literalDecided + d, literalDecided + t),
  });
  const results: CheckResult[] = new Array(checks.length);
  decided.forEach((d, i) => {
    if (d !== null) results[i] = { ok: d.ok, timedOut: false, durationMs: 0, ...(d.ok ? {} : { error: d.error }) };
  });
  rest.forEach((checkIndex, k) => { results[checkIndex] = ran[k]!; });

  return {
    task,
    judgments: checks.length,
    literalDecided,
    entries: plan.map(({ item, gens, slots }) => ({
      item,
      gens,
      verdicts: slots.map((s): Verdict => {
        if ('filtered' in s) return { kind: 'filtered', reason: s.filtered };
        const r = results[s.check]!;
        const error = r.error ? { error: r.error } : {};
        if (item.family === 'case2code') {
          const outcome = judgeCase2Code(item, r);
          return { kind: 'judged', pass: outcome.correct, timedOut: r.timedOut, ...error, case2code: outcome };
        }
        return { kind: 'judged', pass: r.ok === true, timedOut: r.timedOut, ...error };
      }),
    })),
    durationMs: performance.now() - t0,
  };
}

/**
 * One sample's booleans under a scorer version. v1: filtered = False, length unchanged.
 * v2: filtered dropped; when no True remains, all False at the original length.
 */
export function applyScorer(verdicts: Verdict[], scorer: ScorerVersion): boolean[] {
  if (scorer === 'v1') return verdicts.map((v) => v.kind === 'judged' && v.pass);
  const kept = verdicts.filter((v) => v.kind === 'judged').map((v) => v.kind === 'judged' && v.pass);
  return kept.includes(true) ? kept : new Array<boolean>(verdicts.length).fill(false);
}

/**
 * pass@k x 100 keyed `pass_at_<k>` as the published files are. The n >= k policy counts the
 * generations drawn per sample: scorer v2 drops filtered answers from a list, not from the draw.
 */
export function reasoningPassAtK(lists: boolean[][], ks: number[], drawn: number[] = lists.map((l) => l.length)): ReturnType<typeof passAtKTable> {
  return passAtKTable(lists.map(countsOf), ks, { key: (k) => `pass_at_${k}`, scale: 100, drawn: drawn.length ? Math.min(...drawn) : 0 });
}

/** Applies a scorer version to judged generations and computes pass@k. */
export function scoreJudged(judged: JudgedGenerations, version?: ScorerVersion, ks: number[] = []): ScoreResult {
  const scorer = ScorerOptionSchema.parse(version);
  const scored: Record<string, boolean[]> = {};
  const verdicts: Record<string, Verdict[]> = {};
  const answers: GenerationsMap = {};
  const counts: ScoreCounts = {
    samples: judged.entries.length, generations: 0, filtered: 0, judgments: judged.judgments, literalDecided: judged.literalDecided, passed: 0, timedOut: 0, solvedSamples: 0,
  };
  for (const { item, gens, verdicts: vs } of judged.entries) {
    const list = applyScorer(vs, scorer);
    scored[item.id] = list;
    verdicts[item.id] = vs;
    answers[item.id] = gens;
    counts.generations += gens.length;
    for (const v of vs) {
      if (v.kind === 'filtered') counts.filtered++;
      else {
        if (v.pass) counts.passed++;
        if (v.timedOut) counts.timedOut++;
      }
    }
    if (list.includes(true)) counts.solvedSamples++;
  }
  const table = reasoningPassAtK(Object.values(scored), reportedKs(judged.task, ks), Object.values(verdicts).map((vs) => vs.length));
  return {
    task: judged.task.name,
    scorer,
    generations: answers,
    scored,
    verdicts,
    passAtK: table.values,
    passAtKSkipped: table.skipped,
    counts,
    durationMs: judged.durationMs,
  };
}

/** Judges and scores in one step. */
export async function scoreGenerations(task: ReasoningTask, generations: GenerationsMap, opts: ScoreOptions): Promise<ScoreResult> {
  const judged = await judgeGenerations(task, generations, opts);
  return scoreJudged(judged, opts.scorer, opts.ks);
}
