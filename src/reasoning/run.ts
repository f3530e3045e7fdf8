import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { ChatModel } from '../models/types.js';
import { writeJsonAtomic } from '../run/atomic.js';
import { versioned, versionField } from '../run/format.js';
import { lockRunDir } from '../run/lock.js';
import { ensureDir, RunDir } from '../run/run-dir.js';
import { mapLimit } from '../util/concurrency.js';
import { UserError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { loadTask } from './data.js';
import { featureBreakdown } from './features.js';
import type { ReasoningData } from './offline.js';
import { buildMessages, promptTemplate, stopSequences, templateName } from './prompts.js';
import { postprocess } from './postprocess.js';
import { scoreGenerations, type CheckRunner, type ScoreResult } from './scoring.js';
import type { GenerationsMap, ReasoningItem, ReasoningTask, ScorerVersion } from './types.js';

/** Sandbox as runReasoning uses it; environmentId is recorded when present. */
export type ReasoningSandbox = CheckRunner & { environmentId?: () => string };

export interface RunReasoningOptions {
  task: string;
  dataDir?: string;
  /** Samples per item (default 10). */
  n?: number;
  /** Sampling temperature (default 0.2). */
  temperature?: number;
  cot?: boolean;
  rag?: boolean;
  /** Only these item ids. */
  ids?: string[];
  /** Only the first N items (after --ids). */
  limit?: number;
  /** Model calls in flight (default 8). */
  concurrency?: number;
  /** Default: 100 direct / 1000 CoT for the assertion tasks (as the published OpenAI runs), 1024 / 2048 for Case2Code. */
  maxTokens?: number;
  scorer?: ScorerVersion;
  out: string;
  /** Model label for the summary (default model.id). */
  modelLabel?: string;
}

export interface RunReasoningDeps {
  /** A model, or a builder given the run's task and items (how offline models learn what they answer). */
  model: ChatModel | ((data: ReasoningData) => ChatModel);
  sandbox: ReasoningSandbox;
  logger?: Logger;
  onProgress?: (phase: 'generate' | 'score', done: number, total: number) => void;
}

export interface UsageSummary {
  calls: number;
  cached_calls: number;
  input_tokens: number;
  output_tokens: number;
  estimated_calls: number;
}

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

export interface ReasoningSummary {
  task: string;
  model: string | null;
  synthetic: boolean;
  n: number | null;
  temperature: number | null;
  cot: boolean | null;
  rag: boolean | null;
  scorer: ScorerVersion;
  max_tokens?: number;
  pass_at_k: Record<string, number>;
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

/**
 * Selects items by --ids (validated; CodeGlance rows may also be named by their data-file ID, e.g.
 * `0_1`) and --limit, in task order.
 */
export function selectItems(task: ReasoningTask, ids?: string[], limit?: number): ReasoningItem[] {
  let items = task.items;
  if (ids && ids.length) {
    const bySource = new Map(task.items.flatMap((it) => (it.family === 'codeglance' ? [[it.sourceId, it.id] as const] : [])));
    const resolved = ids.map((id) => (task.byId.has(id) ? id : bySource.get(id) ?? id));
    const bad = resolved.filter((id) => !task.byId.has(id));
    if (bad.length) throw new UserError('UNKNOWN_IDS', `ids not in task ${task.name}: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`);
    const want = new Set(resolved);
    items = items.filter((it) => want.has(it.id));
  }
  if (limit !== undefined) {
    if (!Number.isInteger(limit) || limit <= 0) throw new UserError('BAD_OPTION', `limit must be a positive integer, got ${limit}`);
    items = items.slice(0, limit);
  }
  return items;
}

/** Post-processes raw model text for scoring (Case2Code: the code block). */
export function processGenerations(task: ReasoningTask, raw: GenerationsMap, cot: boolean): GenerationsMap {
  return Object.fromEntries(Object.entries(raw).map(([id, list]) => [id, list.map((g) => postprocess(g, task.mode, cot))]));
}

function defaultMaxTokens(task: ReasoningTask, cot: boolean): number {
  if (task.family === 'case2code') return cot ? 2048 : 1024;
  return cot ? 1000 : 100;
}

/** Writes one output file of a run directory; returns its path. */
type WriteOut = (name: string, value: object) => string;

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

/** One finished model call in calls.jsonl; `key` names the settings it was made with. */
const CallRecordSchema = z.object({
  version: versionField,
  synthetic: z.literal(true).optional(),
  key: z.string(),
  id: z.string(),
  sample: z.number().int().min(0),
  text: z.string(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), estimated: z.literal(true).optional() }),
  cached: z.boolean(),
});
type CallRecord = z.infer<typeof CallRecordSchema>;

/**
 * Generates n samples per item with the model, post-processes and scores them, and writes
 * `<out>/generations.json` (raw text), `<out>/scored.json` (published layout) and
 * `<out>/summary.json`. Finished calls are journaled in `<out>/calls.jsonl`, so rerunning with
 * the same options and --out resumes instead of calling the model again.
 */
export async function runReasoning(opts: RunReasoningOptions, deps: RunReasoningDeps): Promise<RunReasoningResult> {
  const log = deps.logger ?? silentLogger;
  const cot = !!opts.cot;
  const rag = !!opts.rag;
  const n = opts.n ?? 10;
  if (!Number.isInteger(n) || n <= 0) throw new UserError('BAD_OPTION', `n must be a positive integer, got ${n}`);
  const temperature = opts.temperature ?? 0.2;
  const task = loadTask(opts.task, { dataDir: opts.dataDir, rag });
  const items = selectItems(task, opts.ids, opts.limit);
  const maxTokens = opts.maxTokens ?? defaultMaxTokens(task, cot);
  const stop = stopSequences(task);
  const model = typeof deps.model === 'function' ? deps.model({ task, items, cot, rag }) : deps.model;
  // Calls journaled under other settings stay in the directory unused, so only the kind is checked.
  const dir = RunDir.open({
    dir: opts.out, kind: 'reasoning', journal: 'calls.jsonl', identity: {},
    config: { task: task.name, model: model.id, n, temperature, cot, rag, ids: opts.ids, limit: opts.limit, maxTokens, scorer: opts.scorer ?? 'v2' },
  });
  try {
    return await generateAndScore(dir, task, model, { opts, deps, cot, rag, n, temperature, maxTokens, stop, log, items });
  } finally {
    dir.close();
  }
}

interface GenerateSettings {
  opts: RunReasoningOptions;
  deps: RunReasoningDeps;
  cot: boolean;
  rag: boolean;
  n: number;
  temperature: number;
  maxTokens: number;
  stop: string[] | undefined;
  log: Logger;
  items: ReasoningItem[];
}

async function generateAndScore(dir: RunDir, task: ReasoningTask, model: ChatModel, g: GenerateSettings): Promise<RunReasoningResult> {
  const { opts, deps, cot, rag, n, temperature, maxTokens, stop, log, items } = g;

  // Calls already made with exactly these settings (same prompt templates too) are reused.
  const key = createHash('sha256')
    .update(JSON.stringify([task.name, model.id, temperature, cot, rag, maxTokens, stop ?? null, promptTemplate(templateName(task, cot)), promptTemplate('system')]))
    .digest('hex')
    .slice(0, 16);
  const journal = dir.journal('calls.jsonl', CallRecordSchema);
  const done = new Map<string, CallRecord>();
  for (const r of journal.read()) if (r.key === key) done.set(`${r.id}\u0000${r.sample}`, r);

  const jobs = items.flatMap((item) => Array.from({ length: n }, (_, sample) => ({ item, sample })));
  let finished = 0;
  let resumed = 0;
  const t0 = performance.now();
  log.info(`run-reasoning: ${task.name}, ${items.length} items x ${n} samples with ${model.id}`);
  const records = await mapLimit(jobs, opts.concurrency ?? 8, async ({ item, sample }) => {
    const prior = done.get(`${item.id}\u0000${sample}`);
    if (prior) {
      resumed++;
      deps.onProgress?.('generate', ++finished, jobs.length);
      return prior;
    }
    const gen = await model.generate(buildMessages(task, item, { cot, rag }), {
      role: 'reasoner',
      sampleIndex: sample,
      temperature,
      maxTokens,
      ...(stop ? { stop } : {}),
    });
    const rec: CallRecord = {
      ...(model.synthetic ? { synthetic: true as const } : {}),
      key, id: item.id, sample, text: gen.text, usage: gen.usage, cached: gen.cached,
    };
    await journal.append(rec);
    deps.onProgress?.('generate', ++finished, jobs.length);
    return rec;
  });
  const generationMs = performance.now() - t0;

  const raw: GenerationsMap = {};
  const usage: UsageSummary = { calls: 0, cached_calls: 0, input_tokens: 0, output_tokens: 0, estimated_calls: 0 };
  for (const r of records) {
    (raw[r.id] ??= [])[r.sample] = r.text;
    usage.calls++;
    if (r.cached) usage.cached_calls++;
    if (r.usage.estimated) usage.estimated_calls++;
    usage.input_tokens += r.usage.inputTokens;
    usage.output_tokens += r.usage.outputTokens;
  }
  const synthetic = model.synthetic;
  // The id -> list layout that score reads back, so no version key here.
  const generationsFile = dir.path('generations.json');
  writeJsonAtomic(generationsFile, synthetic ? { synthetic: true, ...raw } : raw, 1);

  const processed = processGenerations(task, raw, cot);
  const score = await scoreGenerations(task, processed, {
    scorer: opts.scorer ?? 'v2',
    sandbox: deps.sandbox,
    onProgress: (d, t) => deps.onProgress?.('score', d, t),
  });
  const result = writeOutputs(task, score, (name, value) => dir.writeJson(name, value, 1), {
    model: opts.modelLabel ?? model.id, synthetic, n, temperature, cot, rag, maxTokens, usage,
    sandbox: deps.sandbox, generationMs, resumed,
  });
  log.info(`run-reasoning: ${Object.entries(score.passAtK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')}`);
  return { ...result, files: { ...result.files, generations: generationsFile } };
}

interface OutputMeta {
  model: string | null;
  synthetic: boolean;
  n: number | null;
  temperature: number | null;
  cot: boolean | null;
  rag: boolean | null;
  maxTokens?: number;
  usage: UsageSummary | null;
  sandbox: ReasoningSandbox;
  generationMs?: number;
  resumed?: number;
}

function writeOutputs(task: ReasoningTask, score: ScoreResult, write: WriteOut, meta: OutputMeta): Omit<RunReasoningResult, 'files'> & { files: { scored: string; summary: string } } {
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

export interface ReadGenerations {
  generations: GenerationsMap;
  /** The file carried `"synthetic": true`. */
  synthetic: boolean;
  /** It was a scored file (its `raw_generations` were read). */
  fromScoredFile: boolean;
}

/**
 * Reads a generations file (id -> list) or a scored file (its `raw_generations`). A top-level
 * boolean `synthetic` is metadata, not an id. Structural problems are UserErrors; ids are checked
 * against the task when scoring.
 */
export function readGenerationsFile(file: string): ReadGenerations {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_JSON', `${file}: malformed JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError('BAD_GENERATIONS', `${file}: expected an object mapping sample ids to lists of generations`);
  }
  let obj = data as Record<string, unknown>;
  const synthetic = obj.synthetic === true;
  const fromScoredFile = 'raw_generations' in obj;
  if (fromScoredFile) {
    const inner = obj.raw_generations;
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      throw new UserError('BAD_GENERATIONS', `${file}: raw_generations is not an object mapping sample ids to lists`);
    }
    obj = inner as Record<string, unknown>;
  } else if (typeof obj.synthetic === 'boolean') {
    const { synthetic: _drop, ...rest } = obj;
    obj = rest;
  }
  for (const [id, list] of Object.entries(obj)) {
    if (!Array.isArray(list)) throw new UserError('BAD_GENERATIONS', `${file}: entry ${id} is not a list`);
    const bad = list.findIndex((g) => typeof g !== 'string');
    if (bad >= 0) throw new UserError('BAD_GENERATIONS', `${file}: entry ${id}[${bad}] is not a string`);
  }
  return { generations: obj as GenerationsMap, synthetic, fromScoredFile };
}

export interface ScoreFileOptions {
  task: string;
  generations: string;
  dataDir?: string;
  scorer?: ScorerVersion;
  out: string;
  /** The entries are raw model text: apply the task's post-processing first. */
  raw?: boolean;
  /** With raw: the CoT rule. */
  cot?: boolean;
  dedupe?: boolean;
  literalFastPath?: boolean;
}

/** `run-reasoning score`: scores a generations or scored file and writes scored.json and summary.json. */
export async function scoreFile(opts: ScoreFileOptions, deps: { sandbox: ReasoningSandbox; logger?: Logger; onProgress?: (done: number, total: number) => void }): Promise<RunReasoningResult> {
  const task = loadTask(opts.task, { dataDir: opts.dataDir });
  const read = readGenerationsFile(opts.generations);
  let gens = read.generations;
  const wrongIds = Object.keys(gens).filter((id) => !task.byId.has(id));
  if (wrongIds.length) {
    throw new UserError('UNKNOWN_IDS', `${opts.generations}: ids not in task ${task.name}: ${wrongIds.slice(0, 5).join(', ')}${wrongIds.length > 5 ? `, ... (${wrongIds.length} in all)` : ''}`);
  }
  if (opts.raw) gens = processGenerations(task, gens, !!opts.cot);
  ensureDir(opts.out);
  const lock = lockRunDir(opts.out);
  try {
    const score = await scoreGenerations(task, gens, {
      scorer: opts.scorer ?? 'v2', sandbox: deps.sandbox, dedupe: opts.dedupe, literalFastPath: opts.literalFastPath, onProgress: deps.onProgress,
    });
    const lengths = Object.values(gens).map((l) => l.length);
    const n = lengths.length && lengths.every((l) => l === lengths[0]) ? lengths[0]! : null;
    deps.logger?.info(`run-reasoning score: ${basename(opts.generations)} ${Object.entries(score.passAtK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')}`);
    const write: WriteOut = (name, value) => {
      const file = join(opts.out, name);
      writeJsonAtomic(file, versioned(value), 1);
      return file;
    };
    return writeOutputs(task, score, write, {
      model: null, synthetic: read.synthetic, n, temperature: null, cot: opts.raw ? !!opts.cot : null, rag: null,
      usage: null, sandbox: deps.sandbox,
    });
  } finally {
    lock.release();
  }
}
