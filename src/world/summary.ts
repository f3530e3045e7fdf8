import { mrr, passAt1ByTurn, recall } from '../metrics/live.js';
import { usageBlock, type PriceTable, type SummaryUsage, type UsageCounts } from '../models/usage.js';
import type { EpisodeRecord } from '../episode/record.js';
import type { Comparability } from './comparability.js';

export { addCounts, zeroCounts, type SummaryUsage, type UsageCounts } from '../models/usage.js';

/** What live and static summaries share. */
export interface SummaryCore {
  /**
   * Over n_tasks: every task of the run when the protocol scores errored episodes as unsolved
   * (errored_scored), else the completed ones; n_errors counts the errored either way.
   */
  mrr: number;
  recall: number;
  pass_at_1_by_turn: number[];
  n_tasks: number;
  n_errors: number;
  /** Tasks whose episode errored (an endpoint that kept failing): a rerun retries them. */
  errored_tasks: string[];
  /** Errored episodes are in the denominator, scored as unsolved (the original's MRR and recall over all tasks). */
  errored_scored: boolean;
  /** The protocol followed (also in comparability). */
  protocol: string;
  comparability: Comparability;
  setting: string;
  model: string;
  synthetic: boolean;
  max_turns: number;
  /** Turn at which each task was solved, or its score decided ("unsolved" when never). */
  solved_at_histogram: Record<string, number>;
  usage: Record<'coder' | 'user', SummaryUsage>;
  /** Model names the endpoints reported per role (the exact snapshot a simulator alias resolved to), when any did. */
  served_models?: Partial<Record<'coder' | 'user', string[]>>;
  leak: LeakTally;
  [k: string]: unknown;
}

export interface WorldSummary extends SummaryCore {
  user_model: string | null;
  mode: 'live';
}

export type LeakTally = { scored_turns: number; flagged_turns: number; max_score: number };

export function tallyLeak(leak: LeakTally, feedback?: { leakScore?: number; leakFlagged?: boolean }): void {
  if (feedback?.leakScore === undefined) return;
  leak.scored_turns++;
  if (feedback.leakFlagged) leak.flagged_turns++;
  leak.max_score = Math.max(leak.max_score, feedback.leakScore);
}

/** Summary computed from the episode records alone, so an interrupted-and-resumed run gives the same one. */
export function summarize(
  records: EpisodeRecord[],
  meta: { setting: string; model: string; userModel: string | null; maxTurns: number; synthetic: boolean; erroredScored: boolean; comparability: Comparability },
  prices: PriceTable,
): WorldSummary {
  const completed = records.filter((r) => !r.error);
  // An errored episode never passed (a solved one makes no more calls, so it cannot error): scored, it counts as unsolved.
  const scored = meta.erroredScored ? records : completed;
  const vectors = scored.map((r) => r.turns.map((t) => t.status === 'pass'));
  const usage: Record<'coder' | 'user', UsageCounts[]> = { coder: [], user: [] };
  const served = { coder: new Set<string>(), user: new Set<string>() };
  const hist: Record<string, number> = {};
  const leak: LeakTally = { scored_turns: 0, flagged_turns: 0, max_score: 0 };
  for (const r of records) {
    if (!r.error || meta.erroredScored) {
      const key = r.solved_at === null ? 'unsolved' : String(r.solved_at);
      hist[key] = (hist[key] ?? 0) + 1;
    }
    for (const t of r.turns) {
      for (const role of ['coder', 'user'] as const) {
        const u = t.usage?.[role];
        if (u) usage[role].push(u);
        for (const name of u?.served ?? []) served[role].add(name);
      }
      tallyLeak(leak, t.feedback);
    }
  }
  return {
    mode: 'live',
    mrr: mrr(vectors),
    recall: recall(vectors),
    pass_at_1_by_turn: passAt1ByTurn(vectors, meta.maxTurns),
    n_tasks: scored.length,
    n_errors: records.length - completed.length,
    errored_tasks: records.filter((r) => r.error).map((r) => r.task_id),
    errored_scored: meta.erroredScored,
    protocol: meta.comparability.protocol,
    comparability: meta.comparability,
    setting: meta.setting,
    model: meta.model,
    user_model: meta.userModel,
    synthetic: meta.synthetic,
    max_turns: meta.maxTurns,
    solved_at_histogram: hist,
    usage: { coder: usageBlock(usage.coder, prices, meta.model), user: usageBlock(usage.user, prices, meta.userModel) },
    ...servedModels(served),
    leak,
  };
}

function servedModels(served: Record<'coder' | 'user', Set<string>>): { served_models?: Partial<Record<'coder' | 'user', string[]>> } {
  const out = Object.fromEntries(Object.entries(served).filter(([, s]) => s.size).map(([role, s]) => [role, [...s].sort()]));
  return Object.keys(out).length ? { served_models: out } : {};
}
