import type { SummaryUsage } from '../models/usage.js';
import { featureBreakdown } from './features.js';
import type { CheckRunner, ScoreResult } from './scoring.js';
import type { ReasoningTask, ScorerVersion } from './types.js';

// The files a reasoning run writes (scored.json, summary.json) and their shapes.

/** Sandbox as runReasoning uses it; environmentId is recorded when present. */
export type ReasoningSandbox = CheckRunner & { environmentId?: () => string };

/** The usage block of a reasoning summary (models/usage.ts builds it). */
export type UsageSummary = SummaryUsage;

export interface SummaryCounts {
  items_in_task: number;
  samples: number;
  generations: number;
  filtered: number;
  /** Distinct check programs. */
  judgments: number;
  /** Of those, decided by the literal fast path. */
  literal_decided: number;
  passed: number;
  timed_out: number;
  solved_samples: number;
  resumed_calls?: number;
}

/** How a run was made: what its summary and its output metadata both record. */
interface RunSettings {
  model: string | null;
  synthetic: boolean;
  n: number | null;
  temperature: number | null;
  cot: boolean | null;
  rag: boolean | null;
}

export interface ReasoningSummary extends RunSettings {
  task: string;
  scorer: ScorerVersion;
  max_tokens?: number;
  pass_at_k: Record<string, number>;
  /** Each k of the task not reported, and why (fewer generations per sample than k). */
  pass_at_k_skipped?: Record<string, string>;
  counts: SummaryCounts;
  usage: UsageSummary | null;
  by_feature?: ReturnType<typeof featureBreakdown>;
  case2code_status?: Record<string, number>;
  sandbox: string | null;
  data_file: string;
  durations_ms: { generation?: number; scoring: number };
  created_at: string;
}

export interface RunReasoningResult {
  summary: ReasoningSummary;
  score: ScoreResult;
  files: { generations?: string; scored: string; summary: string };
}

/** Writes one output file of a run directory; returns its path. */
export type WriteOut = (name: string, value: object) => string;

/** The published scored-file layout, plus `synthetic` when an offline model produced it. */
export function scoredFileContent(score: ScoreResult, synthetic: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (synthetic) out.synthetic = true;
  out.raw_generations = score.generations;
  out.raw_scored_generations = score.scored;
  Object.assign(out, score.passAtK);
  if (score.task === 'case2code') {
    out.case2code_status = Object.fromEntries(
      Object.entries(score.verdicts).map(([id, vs]) => [id, vs.map((v) => (v.kind === 'judged' ? v.case2code?.status ?? (v.pass ? 'correct' : 'error') : 'filtered'))]),
    );
  }
  return out;
}

function case2codeStatusCounts(score: ScoreResult): Record<string, number> | undefined {
  if (score.task !== 'case2code') return undefined;
  const counts: Record<string, number> = {};
  for (const vs of Object.values(score.verdicts)) {
    for (const v of vs) {
      const s = v.kind === 'judged' ? v.case2code?.status ?? 'error' : 'filtered';
      counts[s] = (counts[s] ?? 0) + 1;
    }
  }
  return counts;
}

export interface OutputMeta extends RunSettings {
  maxTokens?: number;
  usage: UsageSummary | null;
  sandbox: ReasoningSandbox;
  generationMs?: number;
  resumed?: number;
}

export function writeOutputs(task: ReasoningTask, score: ScoreResult, write: WriteOut, meta: OutputMeta): Omit<RunReasoningResult, 'files'> & { files: { scored: string; summary: string } } {
  const scoredFile = write('scored.json', scoredFileContent(score, meta.synthetic));
  const byFeature = task.family === 'codeglance' ? featureBreakdown(task.items, score.scored) : undefined;
  const c2c = case2codeStatusCounts(score);
  const summary: ReasoningSummary = {
    task: task.name,
    model: meta.model,
    synthetic: meta.synthetic,
    n: meta.n,
    temperature: meta.temperature,
    cot: meta.cot,
    rag: meta.rag,
    scorer: score.scorer,
    ...(meta.maxTokens !== undefined ? { max_tokens: meta.maxTokens } : {}),
    pass_at_k: score.passAtK,
    ...(Object.keys(score.passAtKSkipped).length ? { pass_at_k_skipped: score.passAtKSkipped } : {}),
    counts: {
      items_in_task: task.items.length,
      samples: score.counts.samples,
      generations: score.counts.generations,
      filtered: score.counts.filtered,
      judgments: score.counts.judgments,
      literal_decided: score.counts.literalDecided,
      passed: score.counts.passed,
      timed_out: score.counts.timedOut,
      solved_samples: score.counts.solvedSamples,
      ...(meta.resumed ? { resumed_calls: meta.resumed } : {}),
    },
    usage: meta.usage,
    ...(byFeature ? { by_feature: byFeature } : {}),
    ...(c2c ? { case2code_status: c2c } : {}),
    sandbox: meta.sandbox.environmentId?.() ?? null,
    data_file: task.source,
    durations_ms: { ...(meta.generationMs !== undefined ? { generation: Math.round(meta.generationMs) } : {}), scoring: Math.round(score.durationMs) },
    created_at: new Date().toISOString(),
  };
  const summaryFile = write('summary.json', summary);
  return { summary, score, files: { scored: scoredFile, summary: summaryFile } };
}
