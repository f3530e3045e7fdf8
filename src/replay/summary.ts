import { usageBlock, zeroCounts, type PriceTable, type UsageCounts } from '../models/usage.js';
import { tallyLeak, type LeakTally, type SummaryCore } from '../world/summary.js';
import { staticPassAt1ByTurn, staticScore } from './scoring.js';
import type { StaticEpisodeRecord } from './types.js';
import type { Comparability } from '../world/comparability.js';

export interface StaticSummary extends SummaryCore {
  mode: 'static';
  /** No simulator runs in a static replay. */
  user_model: null;
  scored_by: { reference: number; target: number };
  reference_model: string;
  reference_user_model: string | null;
  reference_sha256: string;
  compensate_init: boolean;
  exclude_init_solved: boolean;
  /** Tasks left out because the target solved them at turn 0 (exclude_init_solved). */
  excluded_init_solved: number;
  /**
   * Turns whose recomputed compilation/execution feedback differs from the logged text, and reference
   * versions whose full-test result judged now differs from their logged label (another environment).
   */
  feedback_drift: { compared_turns: number; differing_turns: number; label_differing_turns: number };
  [k: string]: unknown;
}

export interface StaticMeta {
  setting: string;
  model: string;
  maxTurns: number;
  synthetic: boolean;
  referenceModel: string;
  referenceUserModel: string | null;
  referenceSha256: string;
  compensateInit: boolean;
  /** Drop the tasks the target solved at its own turn 0 (the original's exclude_init_solved). */
  excludeInitSolved?: boolean;
  /** Errored episodes stay in the denominator as unsolved (the protocol's rule). */
  erroredScored: boolean;
  comparability: Comparability;
}

/** Target pass vector of a static record (missing turns count as not passed). */
export function targetVector(r: StaticEpisodeRecord, maxTurns: number): boolean[] {
  const v: boolean[] = [];
  for (let t = 0; t <= maxTurns; t++) v.push(r.turns.find((x) => x.turn === t)?.status === 'pass');
  return v;
}

/** Summary of a static run from its records alone (a resumed run gives the same one). */
export function summarizeStatic(records: StaticEpisodeRecord[], meta: StaticMeta, prices: PriceTable): StaticSummary {
  const coder: UsageCounts[] = [];
  const hist: Record<string, number> = {};
  const by = { reference: 0, target: 0 };
  const leak: LeakTally = { scored_turns: 0, flagged_turns: 0, max_score: 0 };
  const drift = { compared_turns: 0, differing_turns: 0, label_differing_turns: 0 };
  let rr = 0;
  let rec = 0;
  const vectors: { ref: boolean[]; target: boolean[] }[] = [];
  // Tokens were spent on every episode; an errored one is scored as unsolved only when the protocol says so.
  for (const r of records) for (const t of r.turns) if (t.usage?.coder) coder.push(t.usage.coder);
  const completed = records.filter((r) => !r.error);
  const counted = meta.erroredScored ? records : completed;
  const scored = meta.excludeInitSolved ? counted.filter((r) => targetVector(r, 0)[0] !== true) : counted;
  for (const r of scored) {
    const target = targetVector(r, meta.maxTurns);
    vectors.push({ ref: r.reference_pass, target });
    const s = staticScore(r.reference_pass, target, meta.maxTurns, meta.compensateInit);
    rr += s.rr;
    if (s.recalled) rec++;
    const key = s.at === null ? 'unsolved' : String(s.at);
    hist[key] = (hist[key] ?? 0) + 1;
    if (s.by) by[s.by]++;
    for (const t of r.turns) {
      tallyLeak(leak, t.feedback);
      if (t.input && !t.copied && (t.input.status === 'pass') !== t.input.logged_passed) drift.label_differing_turns++;
      if (t.feedback?.drift) {
        drift.compared_turns++;
        if (t.feedback.drift.length) drift.differing_turns++;
      }
    }
  }
  const n = scored.length;
  return {
    mode: 'static',
    mrr: n ? rr / n : 0,
    recall: n ? rec / n : 0,
    pass_at_1_by_turn: staticPassAt1ByTurn(vectors, meta.maxTurns),
    n_tasks: n,
    n_errors: records.length - completed.length,
    errored_tasks: records.filter((r) => r.error).map((r) => r.task_id),
    errored_scored: meta.erroredScored,
    protocol: meta.comparability.protocol,
    comparability: meta.comparability,
    setting: meta.setting,
    model: meta.model,
    user_model: null,
    synthetic: meta.synthetic,
    max_turns: meta.maxTurns,
    solved_at_histogram: hist,
    scored_by: by,
    usage: { coder: usageBlock(coder, prices, meta.model), user: zeroCounts() },
    leak,
    reference_model: meta.referenceModel,
    reference_user_model: meta.referenceUserModel,
    reference_sha256: meta.referenceSha256,
    compensate_init: meta.compensateInit,
    exclude_init_solved: !!meta.excludeInitSolved,
    excluded_init_solved: counted.length - scored.length,
    feedback_drift: drift,
  };
}
