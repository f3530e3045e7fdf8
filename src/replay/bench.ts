import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ExecCache } from '../episode/exec-cache.js';
import { judgeCode, testsOf, turnResult, usageOf, type Judged } from '../episode/judge.js';
import { render, template } from '../episode/prompts.js';
import { parseSetting, type Setting } from '../episode/settings.js';
import { executionFeedback } from '../feedback/execution.js';
import { extractCode, importHeader } from '../feedback/extract.js';
import { LEAK_THRESHOLD, leakScore } from '../feedback/user.js';
import { createModel } from '../models/factory.js';
import { parseModelParams, type ModelParamsInput } from '../models/spec.js';
import { ModelError, type ChatMessage, type ChatModel, type Generation } from '../models/types.js';
import { loadPrices, TrackedModel, UsageTracker } from '../models/usage.js';
import { OfflineCoder } from '../offline/coder.js';
import type { TurnContext } from '../offline/context.js';
import { projectRoot } from '../sandbox/paths.js';
import type { Sandbox } from '../sandbox/types.js';
import { StaticEpisodeRecordSchema } from '../run/records.js';
import { RunDir } from '../run/run-dir.js';
import { DEFAULT_DATASET, loadTasks, normalizeTaskId, SHARED_DATA, type BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { mapLimit } from '../util/concurrency.js';
import { errorMessage, UserError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { fileSha256 } from './canonical.js';
import { loadReference } from './load.js';
import { summarizeStatic, type StaticSummary } from './summary.js';
import { STATIC_SETTINGS, type LoadedReference, type ReferenceTask, type ReferenceTurn, type StaticEpisodeRecord, type StaticTurnRecord } from './types.js';

export interface BenchOptions {
  /** Run directory, frozen reference file, or ConvCodeBench logs (.parquet / .json). */
  reference: string;
  /** Target model spec. */
  model: string;
  /** Default: every replayable setting the reference holds. */
  settings?: string[];
  ids?: string[];
  limit?: number;
  /** Default: the reference's dataset (its run's file, or its name under data/ or ../shared/data). */
  dataset?: string;
  /** Default: the reference's number of turns (cannot exceed it). */
  maxTurns?: number;
  /** One setting: written here; several: one sub-directory per setting. */
  out: string;
  concurrency?: number;
  compensateInit?: boolean;
  syntaxFixes?: number;
  timeoutS?: number;
  seed?: number;
  cache?: boolean;
  cacheDir?: string;
  modelParams?: ModelParamsInput;
  /** Name of the reference model for imported logs that do not say. */
  referenceModel?: string;
}

export type BenchEvent =
  | { type: 'start'; setting: string; runDir: string; total: number; resumed: number }
  | { type: 'episode'; setting: string; record: StaticEpisodeRecord; done: number; total: number }
  | { type: 'end'; setting: string; summary: StaticSummary };

export interface BenchDeps {
  sandbox: Sandbox;
  logger?: Logger;
  onEvent?: (e: BenchEvent) => void;
  /** Tests inject the target; otherwise it comes from the spec. */
  coder?: ChatModel;
}

export interface BenchRun {
  setting: string;
  runDir: string;
  summary: StaticSummary & { dataset: string; history: 'none'; compat: string };
  stats: { episodesRun: number; resumed: number; modelCalls: Record<string, number>; judged: number; execCacheHits: number; wallMs: number };
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
  for (const f of [join(projectRoot, 'data', name), join(SHARED_DATA, 'bigcodebench', name), join(SHARED_DATA, name)]) if (existsSync(f)) return f;
  if (basename(DEFAULT_DATASET) === name && existsSync(DEFAULT_DATASET)) return DEFAULT_DATASET;
  throw new UserError('NO_DATASET', `reference was recorded on dataset ${name}, which was not found; pass --dataset <file>`);
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
export async function runBench(o: BenchOptions, deps: BenchDeps): Promise<BenchResult> {
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
  const cacheDir = resolve(projectRoot, o.cacheDir ?? '.cache');
  const cache = o.cache ?? true;
  const seed = o.seed ?? 0;
  const params = parseModelParams({ temperature: 0, maxTokens: 2048, ...o.modelParams });
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
    const identity = {
      referenceSha256: loaded.sha256, model: o.model, setting, maxTurns, datasetSha256: datasetSha, syntaxFixes: o.syntaxFixes ?? 3,
      timeoutS: o.timeoutS ?? ref.timeout_s, seed, modelParams: publicParams, compat: ref.compat,
    };
    const dir = RunDir.open({
      dir: runDir, kind: 'bench', journal: 'episodes.jsonl', identity,
      config: {
        mode: 'static', ...identity, reference: loaded.file, referenceModel: ref.reference_model, dataset: datasetFile,
        compensateInit: o.compensateInit ?? true, ids: o.ids, limit: o.limit, out: runDir,
      },
    });
    try {
      const tracker = new UsageTracker(prices);
      const coder = deps.coder
        ? new TrackedModel(deps.coder, tracker)
        : createModel(o.model, params, {
          cacheDir: join(cacheDir, 'responses'), cache, tracker,
          offline: (skill) => new OfflineCoder({ skill, seed, lookup: (id) => byId.get(id) }),
        });
      const judged0 = exec.stats.judged;
      const hits0 = exec.stats.hits;

      const journal = dir.journal('episodes.jsonl', StaticEpisodeRecordSchema);
      const done = new Map<string, StaticEpisodeRecord>();
      for (const r of journal.read()) done.set(r.task_id, r);
      const todo = refTasks.filter((t) => !done.has(t.task_id) || done.get(t.task_id)!.error);
      const resumed = refTasks.length - todo.length;
      log.info(`bench ${runDir}: ${refTasks.length} tasks, ${resumed} already finished, setting ${setting}, target ${coder.id}, reference ${ref.reference_model}`);
      deps.onEvent?.({ type: 'start', setting, runDir, total: refTasks.length, resumed });

      const s = parseSetting(setting);
      let finished = resumed;
      await mapLimit(todo, o.concurrency ?? 4, async (rt) => {
        const rec = await benchEpisode(byId.get(rt.task_id)!, rt, {
          setting: s, maxTurns, compat: ref.compat === 'convcodeworld', syntaxFixes: identity.syntaxFixes, timeoutS: identity.timeoutS, referenceModel: ref.reference_model,
        }, { coder, exec });
        if (rec.error) log.warn(`${rt.task_id}: episode error: ${rec.error}`);
        await journal.append(rec);
        done.set(rec.task_id, rec);
        deps.onEvent?.({ type: 'episode', setting, record: rec, done: ++finished, total: refTasks.length });
      });

      const records = refTasks.map((t) => done.get(t.task_id)).filter((r): r is StaticEpisodeRecord => !!r);
      const summary = summarizeStatic(records, {
        setting, model: coder.id, maxTurns, synthetic: coder.synthetic || ref.synthetic, referenceModel: ref.reference_model,
        referenceUserModel: ref.user_model, referenceSha256: loaded.sha256, compensateInit: o.compensateInit ?? true,
      }, prices);
      const out = { ...summary, dataset: basename(datasetFile), history: 'none' as const, compat: ref.compat };
      dir.writeJson('summary.json', out);
      const usage = tracker.toJSON();
      const calls = (role: string): number => (usage[role] ? usage[role]!.calls - usage[role]!.cached_calls : 0);
      const stats = {
        episodesRun: todo.length, resumed, modelCalls: { coder: calls('coder'), user: calls('user') },
        judged: exec.stats.judged - judged0, execCacheHits: exec.stats.hits - hits0, wallMs: Date.now() - t0,
      };
      dir.writeStats(stats);
      log.info(`done ${setting}: MRR ${(summary.mrr * 100).toFixed(1)} recall ${(summary.recall * 100).toFixed(1)}; coder calls ${stats.modelCalls.coder}, judged ${stats.judged}`);
      deps.onEvent?.({ type: 'end', setting, summary });
      runs.push({ setting, runDir, summary: out, stats });
    } finally {
      dir.close();
    }
  }
  return { reference: { file: loaded.file, sha256: loaded.sha256, model: ref.reference_model, settings }, runs };
}

function selectRefTasks(tasks: ReferenceTask[], o: BenchOptions, setting: string, label: string): ReferenceTask[] {
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

interface EpisodeOpts {
  setting: Setting;
  maxTurns: number;
  compat: boolean;
  syntaxFixes: number;
  timeoutS: number;
  referenceModel: string;
}


/** The reference's version k; a version after the last logged one repeats it when that one passed. */
function refVersion(rt: ReferenceTask, k: number): ReferenceTurn | undefined {
  const at = rt.turns.find((t) => t.turn === k);
  if (at) return at;
  const last = rt.turns[rt.turns.length - 1];
  return last && last.turn < k && last.passed ? last : undefined;
}

/**
 * One static episode: turn 0 is the target's own generation; turn i refines the reference's
 * version i-1 with compilation/execution feedback recomputed from it and the logged user feedback.
 * No simulator is called. When the reference's version i-1 passed, the target copies it.
 */
export async function benchEpisode(
  task: BigCodeBenchTask, rt: ReferenceTask, o: EpisodeOpts, deps: { coder: ChatModel; exec: ExecCache },
): Promise<StaticEpisodeRecord> {
  const refPass: boolean[] = [];
  for (let k = 0; k < o.maxTurns; k++) refPass.push(refVersion(rt, k)?.passed === true);
  const rec: StaticEpisodeRecord = {
    task_id: task.task_id, setting: o.setting.name, model: deps.coder.id, user_model: null, synthetic: deps.coder.synthetic,
    mode: 'static', reference_model: o.referenceModel, reference_pass: refPass, turns: [], solved_at: null,
  };
  const header = importHeader(task.code_prompt, task.entry_point);
  const system: ChatMessage = { role: 'system', content: template('coder-system') };
  const judge = (code: string): Promise<Judged> => judgeCode(deps.exec, task, o.timeoutS, code);

  try {
    const first: ChatMessage = { role: 'user', content: render(template('coder-initial'), { problem: task.instruct_prompt }) };
    const ctx0: TurnContext = { taskId: task.task_id, turn: 0, step: 'initial' };
    const gen0 = await deps.coder.generate([system, first], { role: 'coder', context: ctx0 as unknown as Record<string, unknown> });
    const ex0 = extractCode(gen0.text);
    const cur0 = await judge(header + ex0.code);
    rec.turns.push({ ...turnResult(0, cur0), raw: gen0.text, fenced: ex0.fenced, usage: { coder: usageOf([gen0]) } });

    for (let i = 1; i <= o.maxTurns; i++) {
      const prev = refVersion(rt, i - 1);
      if (!prev) throw new Error(`reference log has no version ${i - 1} for ${task.task_id}${rt.error ? ` (reference episode error: ${rt.error})` : ''}`);
      if (prev.passed) {
        rec.turns.push({ turn: i, code: prev.code, status: 'pass', copied: true, input: { from: 'reference', turn: i - 1, code: prev.code, status: 'pass', logged_passed: true } });
        continue;
      }
      const before = await judge(prev.code);
      const execFb = o.setting.exec === 'none' ? undefined : executionFeedback(before.exec, o.setting.exec, o.compat);
      const feedback: NonNullable<StaticTurnRecord['feedback']> = { compilation: before.compile.text };
      if (execFb) { feedback.execution = execFb.text; feedback.executionCoverage = o.setting.exec as 'partial' | 'full'; }
      const drift: string[] = [];
      if (prev.compilation_feedback !== undefined && prev.compilation_feedback.trim() !== feedback.compilation!.trim()) drift.push('compilation');
      if (execFb && prev.execution_feedback !== undefined && prev.execution_feedback.trim() !== execFb.text.trim()) drift.push('execution');
      if (prev.compilation_feedback !== undefined || (execFb && prev.execution_feedback !== undefined)) feedback.drift = drift;
      const user = prev.user_feedback ?? undefined;
      if (user !== undefined && user !== '') {
        feedback.user = user;
        feedback.replayed = true;
        feedback.leakScore = leakScore(user, task.canonical_solution);
        feedback.leakFlagged = feedback.leakScore > LEAK_THRESHOLD;
      }
      const input = { from: 'reference' as const, turn: i - 1, code: prev.code, status: before.exec.status, logged_passed: prev.passed, tests: testsOf(before.exec) };
      // A silent novice in the log: the code stays as it was, with no call (as in live episodes).
      if (o.setting.user === 'novice' && feedback.user === undefined) {
        rec.turns.push({ ...turnResult(i, before), unchanged: true, feedback, input });
        continue;
      }
      const ctx: TurnContext = {
        taskId: task.task_id, turn: i, step: 'refine', previousCode: prev.code, compilation: before.compile,
        ...(execFb ? { execution: { ...execFb, coverage: o.setting.exec as 'partial' | 'full' } } : {}),
        ...(feedback.user !== undefined ? { userFeedback: feedback.user, user: o.setting.user as 'novice' | 'expert' } : {}),
      };
      const msg: ChatMessage = {
        role: 'user',
        content: render(template('coder-refine'), {
          problem: task.instruct_prompt, previous_code: prev.code, compilation: feedback.compilation, execution: feedback.execution, user: feedback.user,
        }),
      };
      const gens: Generation[] = [];
      const gen = await deps.coder.generate([system, msg], { role: 'coder', context: ctx as unknown as Record<string, unknown> });
      gens.push(gen);
      const ex = extractCode(gen.text);
      let next = await judge(header + ex.code);
      let fixes = 0;
      while (!next.compile.ok && o.setting.user !== 'novice' && fixes < o.syntaxFixes) {
        fixes++;
        const fixCtx: TurnContext = { taskId: task.task_id, turn: i, step: 'syntax-fix', previousCode: next.code, compilation: next.compile };
        const fixMsg: ChatMessage = { role: 'user', content: render(template('coder-syntax-fix'), { previous_code: next.code, compilation: next.compile.text }) };
        const fg = await deps.coder.generate([system, fixMsg], { role: 'coder', context: fixCtx as unknown as Record<string, unknown> });
        gens.push(fg);
        next = await judge(header + extractCode(fg.text).code);
      }
      rec.turns.push({
        ...turnResult(i, next), raw: gen.text, fenced: ex.fenced, feedback, input, ...(fixes ? { syntaxFixes: fixes } : {}),
        usage: { coder: usageOf(gens) },
      });
    }
  } catch (err) {
    // A model that keeps failing ends this episode only; broken infrastructure stops the run.
    if (!(err instanceof ModelError)) throw err;
    rec.error = errorMessage(err);
  }
  const firstPass = rec.turns.findIndex((t) => t.status === 'pass');
  rec.solved_at = firstPass >= 0 ? firstPass : null;
  return rec;
}
