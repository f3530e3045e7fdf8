import { z } from 'zod';

export const REPO_RESULT_VERSION = 1;

export const RepoTurnSchema = z.object({
  turn: z.number().int().positive(),
  status: z.enum(['OK', 'FAILED', 'NOT_RUN', 'CRUSHED']),
  pct: z.number(),
  ran: z.number().int(),
  failures: z.number().int(),
  errors: z.number().int(),
  timed_out: z.boolean(),
  code: z.string(),
  cached: z.boolean(),
  judge_ms: z.number().optional(),
});
export type RepoTurn = z.infer<typeof RepoTurnSchema>;

export const StopReason = z.enum(['passed_tests', 'max_turns_reached', 'CRUSHED', 'generation_error']);

export const RepoItemSchema = z.object({
  format: z.literal('repo-result'),
  version: z.number().int(),
  idx: z.number().int(),
  dp_id: z.string(),
  benchmark: z.string(),
  model: z.string(),
  turns: z.array(RepoTurnSchema),
  stop_reason: StopReason,
  final_code: z.string(),
  chrf: z.number(),
  common_prefix_ratio: z.number(),
  match_method_name: z.boolean().optional(),
  error: z.string().optional(),
});
export type RepoItem = z.infer<typeof RepoItemSchema>;

export const RepoSummarySchema = z.object({
  version: z.number().int(),
  format: z.literal('repo-summary'),
  benchmark: z.string(),
  model: z.string(),
  max_iter: z.number().int(),
  num_datapoints: z.number().int(),
  /** % of items that passed at a turn <= i. */
  pass_rates: z.record(z.number()),
  /** Mean share of passing tests at turn i (an item that stopped earlier keeps its last value), in %. */
  percent_pass: z.record(z.number()),
  chrf: z.number(),
  common_prefix_ratio: z.number(),
  match_method_name: z.number().nullable(),
  stop_reasons: z.record(z.number()),
  /** Present when an offline model answered: the numbers say nothing about any real LLM. */
  synthetic: z.literal(true).optional(),
});
export type RepoSummary = z.infer<typeof RepoSummarySchema>;

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The summary is a function of the item records only, so it can be recomputed from results.jsonl. */
export function summarizeRepo(items: RepoItem[], meta: { benchmark: string; model: string; maxIter: number; synthetic?: boolean }): RepoSummary {
  const n = items.length;
  const mean = (f: (r: RepoItem) => number): number => (n ? round(items.reduce((s, r) => s + f(r), 0) / n) : 0);
  const passRates: Record<string, number> = {};
  const pct: Record<string, number> = {};
  for (let i = 1; i <= meta.maxIter; i++) {
    passRates[`pass_rate@${i}`] = mean((r) => (r.turns.some((t) => t.turn <= i && t.status === 'OK') ? 100 : 0));
    pct[`percent_pass@${i}`] = mean((r) => {
      const upTo = r.turns.filter((t) => t.turn <= i);
      return 100 * (upTo.length ? upTo[upTo.length - 1]!.pct : 0);
    });
  }
  const stops: Record<string, number> = {};
  for (const r of items) stops[r.stop_reason] = (stops[r.stop_reason] ?? 0) + 1;
  const named = items.filter((r) => r.match_method_name !== undefined);
  return {
    version: REPO_RESULT_VERSION, format: 'repo-summary', benchmark: meta.benchmark, model: meta.model, max_iter: meta.maxIter,
    num_datapoints: n, pass_rates: passRates, percent_pass: pct,
    chrf: mean((r) => r.chrf), common_prefix_ratio: mean((r) => r.common_prefix_ratio),
    match_method_name: named.length ? round((100 * named.filter((r) => r.match_method_name).length) / named.length) : null,
    stop_reasons: stops,
    ...(meta.synthetic ? { synthetic: true as const } : {}),
  };
}
