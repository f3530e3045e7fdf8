import { preflight } from '../models/preflight.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import type { ChatModel } from '../models/types.js';
import { writeJsonAtomic } from '../run/atomic.js';
import { versionField } from '../run/format.js';
import { RunDir } from '../run/run-dir.js';
import { runItems } from '../run/run-items.js';
import { UserError } from '../util/errors.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { loadTask, prepareTaskData } from './data.js';
import { OfflineReasoningModel, type ReasoningData } from './offline.js';
import { createModel } from '../models/factory.js';
import { parseModelSpec } from '../models/spec.js';
import { buildMessages, promptTemplate, stopSequences, templateName } from './prompts.js';
import { scoreGenerations } from './scoring.js';
import { ScorerOptionSchema, type GenerationsMap, type ReasoningItem, type ReasoningTask } from './types.js';
import { writeOutputs, type ReasoningSandbox, type RunReasoningResult } from './outputs.js';
import { loadPrices, usageBlock, type PriceTable } from '../models/usage.js';
import { processGenerations } from './score-file.js';

export { processGenerations, readGenerationsFile, scoreFile, ScoreFileOptionsSchema, type ReadGenerations, type ScoreFileOptions } from './score-file.js';
export { scoredFileContent, type ReasoningSandbox, type ReasoningSummary, type RunReasoningResult, type SummaryCounts, type UsageSummary } from './outputs.js';

/** Options of run-reasoning; the defaults are the command's (resolveReasoningOptions adds Case2Code's). */
export const RunReasoningOptionsSchema = z.object({
  task: z.string().min(1),
  dataDir: z.string().optional(),
  /** Samples per item. */
  n: z.number().int().positive().default(10),
  /** Sampling temperature. */
  temperature: z.number().min(0).max(2).default(0.2),
  cot: z.boolean().default(false),
  rag: z.boolean().default(false),
  /** Only these item ids. */
  ids: z.array(z.string()).optional(),
  /** Only the first N items (after --ids). */
  limit: z.number().int().positive().optional(),
  /** Model calls in flight. */
  concurrency: z.number().int().positive().default(8),
  /** Default: DEFAULT_MAX_TOKENS for the task's family and prompt style. */
  maxTokens: z.number().int().positive().optional(),
  scorer: ScorerOptionSchema,
  out: z.string().min(1),
  /** Model label for the summary (default model.id). */
  modelLabel: z.string().optional(),
  /** Model spec the core builds (with createModel) when the caller passes no model. */
  model: z.string().min(1).optional(),
  /** Use the response cache for a model built from `model`. */
  cache: z.boolean().default(true),
  /** Response cache directory (default: the project's). */
  cacheDir: z.string().optional(),
});
export type RunReasoningOptions = z.input<typeof RunReasoningOptionsSchema>;
export type RunReasoningConfig = z.output<typeof RunReasoningOptionsSchema>;

/** Case2Code is scored greedily: one sample at temperature 0, unless asked otherwise. */
export const CASE2CODE_DEFAULTS = { n: 1, temperature: 0 } as const;

/** Token limit per answer by prompt style: the published OpenAI runs for the assertion tasks; Case2Code's own. */
export const DEFAULT_MAX_TOKENS = { direct: 100, cot: 1000, case2codeDirect: 1024, case2codeCot: 2048 } as const;

/** The options with their defaults, Case2Code's where the task is case2code. */
export function resolveReasoningOptions(input: RunReasoningOptions): RunReasoningConfig {
  const greedy = input.task === 'case2code' ? { n: input.n ?? CASE2CODE_DEFAULTS.n, temperature: input.temperature ?? CASE2CODE_DEFAULTS.temperature } : {};
  return parseOptions(RunReasoningOptionsSchema, { ...input, ...greedy });
}

export interface RunReasoningDeps {
  /**
   * A model, or a builder given the run's task and items (how offline models learn what they
   * answer); default: built from options.model by createModel.
   */
  model?: ChatModel | ((data: ReasoningData) => ChatModel);
  sandbox: ReasoningSandbox;
  logger?: Logger;
  /** Phases 'generate' (one item per model call) and 'score' (judgments). */
  reporter?: Reporter<CallRecord>;
  /** Prices for the usage block's cost (default resources/prices.yaml). */
  prices?: PriceTable;
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


function defaultMaxTokens(task: ReasoningTask, cot: boolean): number {
  const m = DEFAULT_MAX_TOKENS;
  if (task.family === 'case2code') return cot ? m.case2codeCot : m.case2codeDirect;
  return cot ? m.cot : m.direct;
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
export async function runReasoning(input: RunReasoningOptions, deps: RunReasoningDeps): Promise<RunReasoningResult> {
  const opts = resolveReasoningOptions(input);
  const log = deps.logger ?? silentLogger;
  const { cot, rag, n, temperature } = opts;
  if (!opts.dataDir) await prepareTaskData(opts.task);
  const task = loadTask(opts.task, { dataDir: opts.dataDir, rag });
  const items = selectItems(task, opts.ids, opts.limit);
  const maxTokens = opts.maxTokens ?? defaultMaxTokens(task, cot);
  const stop = stopSequences(task);
  const data: ReasoningData = { task, items, cot, rag };
  const model = typeof deps.model === 'function' ? deps.model(data) : deps.model ?? specModel(opts, data, maxTokens);
  // Calls journaled under other settings stay in the directory unused, so only the kind is checked.
  const dir = RunDir.open({
    dir: opts.out, kind: 'reasoning', journal: 'calls.jsonl', identity: {},
    config: { task: task.name, dataset: task.dataset ?? task.source, model: model.id, n, temperature, cot, rag, ids: opts.ids, limit: opts.limit, maxTokens, scorer: opts.scorer },
  });
  try {
    return await generateAndScore(dir, task, model, { opts, deps, cot, rag, n, temperature, maxTokens, stop, log, items });
  } finally {
    dir.close();
  }
}

/** The model of options.model, built like every command's: createModel with the response cache. */
function specModel(opts: RunReasoningConfig, data: ReasoningData, maxTokens: number): ChatModel {
  if (!opts.model) throw new UserError('MISSING_OPTION', 'run-reasoning needs a model (options.model)');
  return createModel(opts.model, { temperature: opts.temperature, maxTokens, concurrency: opts.concurrency }, {
    // Offline answers are computed, not fetched: nothing to cache.
    cache: opts.cache && parseModelSpec(opts.model).provider !== 'offline', ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    offline: (skill) => new OfflineReasoningModel(skill, 0, data),
  });
}

interface GenerateSettings {
  opts: RunReasoningConfig;
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
  const jobs = items.flatMap((item) => Array.from({ length: n }, (_, sample) => ({ item, sample })));
  let t0 = 0;
  const run = await runItems({
    dir, journal: 'calls.jsonl', schema: CallRecordSchema, items: jobs, concurrency: opts.concurrency, unit: 'model calls', phase: 'generate', reporter: deps.reporter,
    idOf: (j) => `${j.item.id}\u0000${j.sample}`,
    // Calls made under other settings stay in the journal unused.
    recordId: (r) => (r.key === key ? `${r.id}\u0000${r.sample}` : undefined),
    prepare: async ({ todo }) => {
      if (todo.length) await preflight([model]);
      t0 = performance.now();
      log.info(`run-reasoning: ${task.name}, ${items.length} items x ${n} samples with ${model.id}`);
    },
    work: async ({ item, sample }) => {
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
      return rec;
    },
  });
  const { resumed } = run;
  const records = run.records as CallRecord[]; // every job has one once the run returns
  deps.reporter?.onRunEnd?.({ phase: 'generate' });
  const generationMs = performance.now() - t0;

  const raw: GenerationsMap = {};
  for (const r of records) (raw[r.id] ??= [])[r.sample] = r.text;
  const usage = usageBlock(records, deps.prices ?? loadPrices(), model.id);
  const synthetic = model.synthetic;
  // The id -> list layout that score reads back, so no version key here.
  const generationsFile = dir.path('generations.json');
  writeJsonAtomic(generationsFile, synthetic ? { synthetic: true, ...raw } : raw, 1);

  const processed = processGenerations(task, raw, cot);
  const score = await scoreGenerations(task, processed, {
    scorer: opts.scorer,
    sandbox: deps.sandbox,
    onProgress: (d, t) => deps.reporter?.onProgress?.({ phase: 'score', done: d, total: t }),
  });
  deps.reporter?.onRunEnd?.({ phase: 'score' });
  const result = writeOutputs(task, score, (name, value) => dir.writeJson(name, value, 1), {
    model: opts.modelLabel ?? model.id, synthetic, n, temperature, cot, rag, maxTokens, usage,
    sandbox: deps.sandbox, generationMs, resumed,
  });
  log.info(`run-reasoning: ${Object.entries(score.passAtK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')}`);
  return { ...result, files: { ...result.files, generations: generationsFile } };
}

