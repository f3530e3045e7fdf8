import { callCounts } from '../models/cache.js';
import { preflight } from '../models/preflight.js';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../sandbox/time-limit.js';
import { parseOptions } from '../config/options.js';
import { ExecCache } from '../episode/exec-cache.js';
import { coderKindOf, profileOf, turn0PromptOf, type ProtocolOptions } from '../episode/protocol.js';
import { parseSetting } from '../episode/settings.js';
import { loadSamples, sandboxSanitizer, type Turn0Source } from '../episode/turn0.js';
import { comparabilityOf } from '../world/comparability.js';
import { LEAK_THRESHOLD } from '../feedback/user.js';
import { createModel } from '../models/factory.js';
import { ModelParamsSchema } from '../models/spec.js';
import type { ChatModel } from '../models/types.js';
import { loadPrices, TrackedModel, UsageTracker } from '../models/usage.js';
import { OfflineCoder } from '../offline/coder.js';
import { cacheDirFrom, projectRoot } from '../sandbox/paths.js';
import type { Sandbox } from '../sandbox/types.js';
import { StaticEpisodeRecordSchema } from './record-schema.js';
import { RunDir } from '../run/run-dir.js';
import { runItems } from '../run/run-items.js';
import { CONVCODEWORLD_DATASET, loadTasks, normalizeTaskId } from '../tasks/bigcodebench.js';
import { cachedDataset, isDatasetName } from '../data/prepare.js';
import { UserError } from '../util/errors.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { fileSha256 } from './canonical.js';
import { loadReference } from './load.js';
import { summarizeStatic, type StaticSummary } from './summary.js';
import { benchEpisode } from './episode.js';
import { STATIC_SETTINGS, type LoadedReference, type ReferenceTask, type StaticEpisodeRecord } from './types.js';

/** Options of run-bench; the defaults are the command's. */
export const BenchOptionsSchema = z.object({
  /** Run directory, frozen reference file, or ConvCodeBench logs (.parquet / .json). */
  reference: z.string().min(1),
  /** Target model spec. */
  model: z.string().min(1),
  /** Default: every replayable setting the reference holds. */
  settings: z.array(z.string()).optional(),
  ids: z.array(z.string()).optional(),
  limit: z.number().int().positive().optional(),
  /** Default: the reference's dataset (its run's file, its name under data/, or a pulled data set). */
  dataset: z.string().min(1).optional(),
  /** Default: the reference's number of turns (cannot exceed it). */
  maxTurns: z.number().int().min(0).optional(),
  /** One setting: written here; several: one sub-directory per setting. */
  out: z.string().min(1),
  /** Episodes in flight. */
  concurrency: z.number().int().positive().default(4),
  /** Credit the target's own turn-0 code in MRR. */
  compensateInit: z.boolean().default(true),
  /** Score only the tasks the target did not solve at its own turn 0. */
  excludeInitSolved: z.boolean().default(false),
  /** Coder calls per turn, compile fixes and the refinement together. */
  maxCallsPerTurn: z.number().int().positive().default(3),
  /** BigCodeBench samples file ({task_id, solution}) whose solutions are the target's turn 0, instead of generating it. */
  turn0Samples: z.string().min(1).optional(),
  leakThreshold: z.number().min(0).max(1).default(LEAK_THRESHOLD),
  /** Default: the reference's. */
  timeoutS: z.number().positive().max(MAX_TIMEOUT_S).optional(),
  seed: z.number().int().default(0),
  cache: z.boolean().default(true),
  /** `auto`: the user's cache directory (see userCacheDir). */
  cacheDir: z.string().min(1).default('auto'),
  /** The target's generation settings (ModelParamsSchema's defaults: temperature 0, 2048 tokens). */
  modelParams: ModelParamsSchema.default({}),
  /** Name of the reference model for imported logs that do not say. */
  referenceModel: z.string().optional(),
});
export type BenchOptions = z.input<typeof BenchOptionsSchema>;
type BenchConfig = z.output<typeof BenchOptionsSchema>;

/** What run-bench reports, one phase per feedback setting. */
export type BenchReporter = Reporter<StaticEpisodeRecord, never, StaticSummary>;

export interface BenchDeps {
  sandbox: Sandbox;
  logger?: Logger;
  reporter?: BenchReporter;
  /** Tests inject the target; otherwise it comes from the spec. */
  coder?: ChatModel;
}

export interface BenchRun {
  setting: string;
  runDir: string;
  summary: StaticSummary & { dataset: string; history: 'none' };
  stats: { episodesRun: number; resumed: number; modelCalls: Record<string, number>; cachedAnswers: Record<string, number>; cachedSince: Record<string, string>; judged: number; execCacheHits: number; wallMs: number };
}

export interface BenchResult {
  reference: { file: string; sha256: string; model: string; settings: string[] };
  runs: BenchRun[];
}

/** Picks the settings to replay; only the five ConvCodeBench settings, and only those the reference holds. */
export function selectStaticSettings(requested: string[] | undefined, ref: LoadedReference, label: string): string[] {
  const held = Object.keys(ref.reference.settings);
  const supported = held.filter((s) => (STATIC_SETTINGS as readonly string[]).includes(s));
  if (!requested?.length) {
    if (!supported.length) {
      throw new UserError('NO_STATIC_SETTING', `reference ${label} holds no setting ConvCodeBench replays (it has ${held.join(', ') || 'none'}; replayable: ${STATIC_SETTINGS.join(', ')})`);
    }
    return supported;
  }
  const out: string[] = [];
  for (const r of requested) {
    const name = parseSetting(r).name;
    if (!(STATIC_SETTINGS as readonly string[]).includes(name)) {
      throw new UserError('UNSUPPORTED_SETTING', `setting ${name} is not offered by ConvCodeBench: static replay needs logged user feedback (settings ${STATIC_SETTINGS.join(', ')})`);
    }
    if (!held.includes(name)) throw new UserError('SETTING_NOT_IN_REFERENCE', `reference ${label} holds no ${name} episodes (it has ${held.join(', ') || 'none'})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** The dataset to judge with: --dataset, the reference run's file, or its name in the data folders. */
export function resolveDataset(explicit: string | undefined, ref: LoadedReference): string {
  if (explicit) {
    const f = resolve(explicit);
    if (!existsSync(f)) throw new UserError('ENOENT', `--dataset ${explicit}: no such file`);
    return f;
  }
  if (ref.datasetPath && existsSync(ref.datasetPath)) return ref.datasetPath;
  const name = ref.reference.dataset.name;
  const local = join(projectRoot, 'data', name);
  if (existsSync(local)) return local;
  // A name, or the published logs' file name of ConvCodeWorld's version: the copy a pull left in the cache.
  const named = isDatasetName(name) ? name : name === `bigcodebench-${CONVCODEWORLD_DATASET.split('@')[1]}.jsonl` ? CONVCODEWORLD_DATASET : undefined;
  const pulled = named ? cachedDataset(named) : undefined;
  if (pulled) return pulled.records;
  throw new UserError('NO_DATASET', `reference was recorded on dataset ${name}, which was not found; pass --dataset <file or name>${named ? ` or run \`codeconv-data pull ${named}\`` : ''}`);
}

/** Refuses a dataset whose bytes differ from the one the reference was recorded on. */
export function checkDatasetVersion(ref: LoadedReference, datasetFile: string, label: string): string {
  const actual = fileSha256(datasetFile);
  const want = ref.reference.dataset.sha256;
  if (want && want !== actual) {
    throw new UserError('DATASET_MISMATCH', `reference ${label} was recorded on dataset ${ref.reference.dataset.name} (sha256 ${want.slice(0, 12)}), but ${datasetFile} has sha256 ${actual.slice(0, 12)}: another dataset version`);
  }
  return actual;
}

/** Replays ConvCodeBench for a target model on a frozen reference and writes one run directory per setting. */
export async function runBench(input: BenchOptions, deps: BenchDeps): Promise<BenchResult> {
  const o = parseOptions(BenchOptionsSchema, input);
  const log = deps.logger ?? silentLogger;
  const loaded = await loadReference(o.reference, o.referenceModel ? { referenceModel: o.referenceModel } : {});
  const ref = loaded.reference;
  const settings = selectStaticSettings(o.settings, loaded, o.reference);
  const datasetFile = resolveDataset(o.dataset, loaded);
  const datasetSha = checkDatasetVersion(loaded, datasetFile, o.reference);
  const maxTurns = o.maxTurns ?? ref.max_turns;
  if (maxTurns > ref.max_turns) throw new UserError('BAD_OPTION', `--max-turns ${maxTurns} exceeds the reference's ${ref.max_turns} turns`);
  const all = loadTasks(datasetFile);
  const byId = new Map(all.map((t) => [t.task_id, t]));
  const cacheDir = cacheDirFrom(o.cacheDir);
  const { cache, seed, modelParams: params } = o;
  // Never written to the run directory.
  const { apiKey: _apiKey, ...publicParams } = params;
  const exec = new ExecCache(deps.sandbox, cache ? join(cacheDir, 'exec') : undefined);
  const prices = loadPrices();
  const runs: BenchRun[] = [];

  for (const setting of settings) {
    const t0 = Date.now();
    const runDir = settings.length === 1 ? resolve(o.out) : join(resolve(o.out), setting);
    const refTasks = selectRefTasks(ref.settings[setting]!.tasks, o, setting, o.reference);
    for (const t of refTasks) {
      if (!byId.has(t.task_id)) throw new UserError('UNKNOWN_TASK', `reference task ${t.task_id} is not in dataset ${datasetFile}`);
    }
    // The protocol comes from the reference: a replay follows the rules its log was made under.
    const profile = profileOf(ref.protocol);
    const turn0Samples = o.turn0Samples ? resolve(o.turn0Samples) : undefined;
    const identity = {
      referenceSha256: loaded.sha256, model: o.model, setting, maxTurns, datasetSha256: datasetSha, maxCallsPerTurn: o.maxCallsPerTurn,
      protocol: profile.name, turn0Samples: turn0Samples ?? null,
      timeoutS: o.timeoutS ?? ref.timeout_s, seed, modelParams: publicParams,
    };
    const dir = RunDir.open({
      dir: runDir, kind: 'bench', journal: 'episodes.jsonl', identity,
      config: {
        mode: 'static', ...identity, reference: loaded.file, referenceModel: ref.reference_model, dataset: datasetFile,
        compensateInit: o.compensateInit, excludeInitSolved: o.excludeInitSolved, ids: o.ids, limit: o.limit, out: runDir,
      },
    });
    try {
      const tracker = new UsageTracker(prices);
      const coder = deps.coder
        ? new TrackedModel(deps.coder, tracker)
        : createModel(o.model, params, {
          cacheDir: join(cacheDir, 'responses'), cache, tracker,
          offline: (skill) => new OfflineCoder({ skill, seed, tasks: all }),
        });
      const judged0 = exec.stats.judged;
      const hits0 = exec.stats.hits;

      const s = parseSetting(setting);
      const turn0: Turn0Source = turn0Samples ? loadSamples(turn0Samples, refTasks.map((t) => t.task_id)) : { kind: 'generate', sanitize: sandboxSanitizer(deps.sandbox) };
      const protocol: ProtocolOptions = {
        profile, setting: s, maxTurns, history: 'none', maxCallsPerTurn: identity.maxCallsPerTurn,
        timeoutS: identity.timeoutS, leakThreshold: o.leakThreshold, coderKind: coderKindOf(o.model),
      };
      const comparability = comparabilityOf({
        profile, setting: s, turn0: turn0PromptOf(profile, protocol.coderKind, turn0.kind === 'samples'), timeoutS: identity.timeoutS, maxTurns, simulator: ref.user_model,
      });
      const run = await runItems({
        dir, journal: 'episodes.jsonl', schema: StaticEpisodeRecordSchema, items: refTasks, concurrency: o.concurrency, phase: setting, reporter: deps.reporter,
        idOf: (t) => t.task_id, recordId: (r) => r.task_id, redo: (r) => !!r.error,
        prepare: async ({ todo, resumed }) => {
          if (todo.length) await preflight([coder]);
          log.info(`bench ${runDir}: ${refTasks.length} tasks, ${resumed} already finished, setting ${setting}, target ${coder.id}, reference ${ref.reference_model}, protocol ${profile.name} (the reference's)`);
        },
        work: async (rt) => {
          const rec = await benchEpisode(byId.get(rt.task_id)!, rt, protocol, ref.reference_model, { coder, exec, turn0 });
          if (rec.error) log.warn(`${rt.task_id}: episode error: ${rec.error}`);
          return rec;
        },
      });
      const { resumed } = run;
      const records = run.records.filter((r): r is StaticEpisodeRecord => !!r);
      const summary = summarizeStatic(records, {
        setting, model: coder.id, maxTurns, synthetic: coder.synthetic || ref.synthetic, referenceModel: ref.reference_model,
        referenceUserModel: ref.user_model, referenceSha256: loaded.sha256, compensateInit: o.compensateInit, excludeInitSolved: o.excludeInitSolved,
        erroredScored: profile.erroredScored, comparability,
      }, prices);
      const out = { ...summary, dataset: basename(datasetFile), history: 'none' as const };
      dir.writeJson('summary.json', out);
      const usage = tracker.toJSON();
      const counts = callCounts(usage, [coder]);
      const calls = (role: string): number => counts.live[role] ?? 0;
      const stats = {
        episodesRun: run.ran, resumed, modelCalls: { coder: calls('coder'), user: calls('user') },
        cachedAnswers: counts.cached, cachedSince: counts.cachedSince,
        judged: exec.stats.judged - judged0, execCacheHits: exec.stats.hits - hits0, wallMs: Date.now() - t0,
      };
      dir.writeStats(stats);
      log.info(`done ${setting}: MRR ${(summary.mrr * 100).toFixed(1)} recall ${(summary.recall * 100).toFixed(1)}; coder calls ${stats.modelCalls.coder}, judged ${stats.judged}`);
      deps.reporter?.onRunEnd?.({ phase: setting, summary });
      runs.push({ setting, runDir, summary: out, stats });
    } finally {
      dir.close();
    }
  }
  return { reference: { file: loaded.file, sha256: loaded.sha256, model: ref.reference_model, settings }, runs };
}

function selectRefTasks(tasks: ReferenceTask[], o: BenchConfig, setting: string, label: string): ReferenceTask[] {
  let out = tasks;
  if (o.ids?.length) {
    const byId = new Map(tasks.map((t) => [t.task_id, t]));
    const wanted = o.ids.map(normalizeTaskId);
    const unknown = wanted.filter((id) => !byId.has(id));
    if (unknown.length) throw new UserError('UNKNOWN_TASK', `task ${unknown.slice(0, 5).join(', ')} not in the reference ${label} (setting ${setting})`);
    out = wanted.map((id) => byId.get(id)!);
  }
  if (o.limit !== undefined) out = out.slice(0, o.limit);
  return out;
}

