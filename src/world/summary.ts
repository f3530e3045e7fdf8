import { mrr, passAt1ByTurn, recall } from '../metrics/live.js';
import { costOf, type PriceTable } from '../models/usage.js';
import type { EpisodeRecord, RoleUsage } from '../episode/record.js';

export interface SummaryUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd?: number;
}

export interface WorldSummary {
  mrr: number;
  recall: number;
  pass_at_1_by_turn: number[];
  n_tasks: number;
  n_errors: number;
  setting: string;
  model: string;
  user_model: string | null;
  synthetic: boolean;
  max_turns: number;
  solved_at_histogram: Record<string, number>;
  usage: Record<'coder' | 'user', SummaryUsage>;
  leak: { scored_turns: number; flagged_turns: number; max_score: number };
  mode: 'live';
  [k: string]: unknown;
}

const zero = (): RoleUsage => ({ calls: 0, input_tokens: 0, output_tokens: 0, cached_calls: 0, latency_ms: 0 });

/** Summary computed from the episode records alone, so an interrupted-and-resumed run gives the same one. */
export function summarize(records: EpisodeRecord[], meta: { setting: string; model: string; userModel: string | null; maxTurns: number; synthetic: boolean }, prices: PriceTable): WorldSummary {
  const vectors = records.map((r) => r.turns.map((t) => t.status === 'pass'));
  const usage = { coder: zero(), user: zero() };
  const hist: Record<string, number> = {};
  const leak = { scored_turns: 0, flagged_turns: 0, max_score: 0 };
  for (const r of records) {
    hist[r.solved_at === null ? 'unsolved' : String(r.solved_at)] = (hist[r.solved_at === null ? 'unsolved' : String(r.solved_at)] ?? 0) + 1;
    for (const t of r.turns) {
      for (const role of ['coder', 'user'] as const) {
        const u = t.usage?.[role];
        if (!u) continue;
        const acc = usage[role];
        acc.calls += u.calls; acc.input_tokens += u.input_tokens; acc.output_tokens += u.output_tokens;
        acc.cached_calls += u.cached_calls; acc.latency_ms += u.latency_ms;
      }
      if (t.feedback?.leakScore !== undefined) {
        leak.scored_turns++;
        if (t.feedback.leakFlagged) leak.flagged_turns++;
        leak.max_score = Math.max(leak.max_score, t.feedback.leakScore);
      }
    }
  }
  // Cache hits and latency depend on the process, not on the results: they stay in the records.
  const priced = (role: 'coder' | 'user', id: string | null): SummaryUsage => {
    const { calls, input_tokens, output_tokens } = usage[role];
    const c = id ? costOf(prices, id, input_tokens, output_tokens) : undefined;
    return c === undefined ? { calls, input_tokens, output_tokens } : { calls, input_tokens, output_tokens, cost_usd: c };
  };
  return {
    mode: 'live',
    mrr: mrr(vectors),
    recall: recall(vectors),
    pass_at_1_by_turn: passAt1ByTurn(vectors, meta.maxTurns),
    n_tasks: records.length,
    n_errors: records.filter((r) => r.error).length,
    setting: meta.setting,
    model: meta.model,
    user_model: meta.userModel,
    synthetic: meta.synthetic,
    max_turns: meta.maxTurns,
    solved_at_histogram: hist,
    usage: { coder: priced('coder', meta.model), user: priced('user', meta.userModel) },
    leak,
  };
}
