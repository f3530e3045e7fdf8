import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { WorldConfig } from '../config/world.js';
import { ExecCache } from '../episode/exec-cache.js';
import type { EpisodeRecord, TurnRecord } from '../episode/record.js';
import { liveSource } from '../episode/live-source.js';
import { coderKindOf, profileOf, turn0PromptOf, type ProtocolOptions } from '../episode/protocol.js';
import { runEpisode } from '../episode/runner.js';
import { loadSamples, sandboxSanitizer, type Turn0Source } from '../episode/turn0.js';
import { parseSetting } from '../episode/settings.js';
import { callCounts } from '../models/cache.js';
import { createModel } from '../models/factory.js';
import { preflight } from '../models/preflight.js';
import type { ChatModel } from '../models/types.js';
import { loadPrices, UsageTracker } from '../models/usage.js';
import { OfflineCoder } from '../offline/coder.js';
import { OfflineUser } from '../offline/user.js';
import type { Sandbox } from '../sandbox/types.js';
import { loadTaskSet, selectTasks, type BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { EpisodeRecordSchema } from '../episode/record-schema.js';
import { RunDir } from '../run/run-dir.js';
import { runItems } from '../run/run-items.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { comparabilityOf } from './comparability.js';
import { summarize, type WorldSummary } from './summary.js';

const PHASE = 'run-world';

/** What run-world reports: episodes, their turns, the summary (phase 'run-world'). */
export type WorldReporter = Reporter<EpisodeRecord, TurnRecord, WorldSummary>;

export interface RunWorldDeps {
  sandbox: Sandbox;
  logger?: Logger;
  reporter?: WorldReporter;
  /** Tests inject models; otherwise they come from the config's specs. */
  coder?: ChatModel;
  user?: ChatModel;
}

export interface RunWorldResult {
  runDir: string;
  summary: WorldSummary;
  /** What this process did (not part of the summary, which depends on the records only). */
  stats: { episodesRun: number; resumed: number; modelCalls: Record<string, number>; cachedAnswers: Record<string, number>; cachedSince: Record<string, string>; judged: number; execCacheHits: number; wallMs: number };
}

/** Keys that define a run's results; a run directory holding other values for them is not resumed. */
const IDENTITY_KEYS = ['model', 'userModel', 'setting', 'maxTurns', 'dataset', 'history', 'protocol', 'maxCallsPerTurn', 'turn0Samples', 'timeoutS', 'seed', 'modelParams', 'userModelParams'] as const;

export function defaultRunDir(c: WorldConfig): string {
  const id = createHash('sha256').update(JSON.stringify(IDENTITY_KEYS.map((k) => c[k]))).digest('hex').slice(0, 8);
  const slug = (s: string): string => s.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '');
  return join(c.logsDir, `${slug(c.model)}_${c.setting}_${slug(basename(c.dataset, '.jsonl'))}_${id}`);
}

/** Runs (or resumes) ConvCodeWorld episodes for every selected task and writes the run directory. */
export async function runWorld(c: WorldConfig, deps: RunWorldDeps): Promise<RunWorldResult> {
  const t0 = Date.now();
  const log = deps.logger ?? silentLogger;
  const setting = parseSetting(c.setting);
  const { all, ref, label } = await loadTaskSet(c.dataset, c.subset);
  const tasks = selectTasks(all, label, { ids: c.ids, limit: c.limit });
  const runDir = c.out ?? defaultRunDir(c);
  const dir = RunDir.open({
    dir: runDir, kind: 'world', journal: 'episodes.jsonl', config: { ...c, out: runDir, datasetRevision: ref.revision, datasetSha256: ref.sha256, datasetFile: ref.records },
    named: c.out ? '--out' : 'the default run directory',
    identity: { ...Object.fromEntries(IDENTITY_KEYS.map((k) => [k, c[k]])), datasetRevision: ref.revision, datasetSha256: ref.sha256 },
  });
  try {
    return await runIn(dir, c, deps, { t0, log, setting, tasks, all });
  } finally {
    dir.close();
  }
}

interface Prepared {
  t0: number;
  log: Logger;
  setting: ReturnType<typeof parseSetting>;
  tasks: ReturnType<typeof selectTasks>;
  all: BigCodeBenchTask[];
}

async function runIn(dir: RunDir, c: WorldConfig, deps: RunWorldDeps, p: Prepared): Promise<RunWorldResult> {
  const { t0, log, setting, tasks, all } = p;
  const runDir = dir.dir;
  const tracker = new UsageTracker(loadPrices());
  const deps0 = { cacheDir: join(c.cacheDir, 'responses'), cache: c.cache, tracker };
  const coder = deps.coder ?? createModel(c.model, c.modelParams, { ...deps0, offline: (skill) => new OfflineCoder({ skill, seed: c.seed, tasks: all }) });
  const user = setting.user === 'none' ? undefined : deps.user ?? createModel(c.userModel, c.userModelParams, { ...deps0, offline: () => new OfflineUser() });
  const turn0: Turn0Source = c.turn0Samples ? loadSamples(c.turn0Samples, tasks.map((t) => t.task_id)) : { kind: 'generate', sanitize: sandboxSanitizer(deps.sandbox) };
  const profile = profileOf(c.protocol);
  const protocol: ProtocolOptions = {
    profile, setting, maxTurns: c.maxTurns, history: c.history, maxCallsPerTurn: c.maxCallsPerTurn,
    timeoutS: c.timeoutS, leakThreshold: c.leakThreshold, coderKind: coderKindOf(c.model),
  };
  const comparability = comparabilityOf({
    profile, setting, turn0: turn0PromptOf(profile, protocol.coderKind, turn0.kind === 'samples'), timeoutS: c.timeoutS, maxTurns: c.maxTurns, simulator: user?.id ?? null,
  });
  const source = liveSource(user);
  const exec = new ExecCache(deps.sandbox, c.cache ? join(c.cacheDir, 'exec') : undefined);

  // Finished episodes are kept; errored ones are tried again.
  const run = await runItems({
    dir, journal: 'episodes.jsonl', schema: EpisodeRecordSchema, items: tasks, concurrency: c.concurrency, phase: PHASE, reporter: deps.reporter,
    idOf: (t) => t.task_id, recordId: (r) => r.task_id, redo: (r) => !!r.error,
    prepare: async ({ todo, resumed }) => {
      if (todo.length) await preflight([coder, user]); // a wrong endpoint fails here in one line, not once per episode
      await deps.sandbox.start(); // a missing engine or image fails here, before any episode
      log.info(`run ${runDir}: ${tasks.length} tasks, ${resumed} already finished, setting ${setting.name}, model ${coder.id}, user ${user?.id ?? 'none'}, protocol ${profile.name}`);
    },
    work: async (task) => {
      const rec = await runEpisode(task, protocol, {
        coder, exec, source, turn0, onTurn: (taskId, turn) => deps.reporter?.onTurn?.({ phase: PHASE, id: taskId, turn }),
      }, {
        task_id: task.task_id, setting: setting.name, model: coder.id, user_model: user?.id ?? null,
        synthetic: coder.synthetic || !!user?.synthetic, turns: [], solved_at: null,
      });
      if (rec.error) log.warn(`${task.task_id}: episode error: ${rec.error}`);
      return rec;
    },
  });
  const { resumed } = run;
  const records = run.records.filter((r): r is EpisodeRecord => !!r);
  const summary = summarize(records, {
    setting: setting.name, model: coder.id, userModel: user?.id ?? null, maxTurns: c.maxTurns, synthetic: coder.synthetic || !!user?.synthetic,
    erroredScored: profile.erroredScored, comparability,
  }, loadPrices());
  const out = { ...summary, dataset: basename(c.dataset), history: c.history };
  dir.writeJson('summary.json', out);
  const calls = callCounts(tracker.toJSON(), [coder, user]);
  const stats = {
    episodesRun: run.ran, resumed, modelCalls: calls.live, cachedAnswers: calls.cached, cachedSince: calls.cachedSince,
    judged: exec.stats.judged, execCacheHits: exec.stats.hits, wallMs: Date.now() - t0,
  };
  dir.writeStats(stats);
  log.info(`done: MRR ${(summary.mrr * 100).toFixed(1)} recall ${(summary.recall * 100).toFixed(1)}; model calls ${JSON.stringify(stats.modelCalls)}, judged ${stats.judged}, exec cache hits ${stats.execCacheHits}`);
  deps.reporter?.onRunEnd?.({ phase: PHASE, summary: out });
  return { runDir, summary: out, stats };
}
