import { preflight } from '../models/preflight.js';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { createModel } from '../models/factory.js';
import type { ChatModel } from '../models/types.js';
import { loadPrices, UsageTracker } from '../models/usage.js';
import { writeFileAtomic } from '../run/atomic.js';
import { RunDir } from '../run/run-dir.js';
import { runItems } from '../run/run-items.js';
import { UserError } from '../util/errors.js';
import type { ProgressFactory } from '../data/progress.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { RepoRunConfig } from './config.js';
import { RepoExecCache } from './exec-cache.js';
import { runItem } from './loop.js';
import { RepoItemSchema, summarizeRepo, type RepoItem, type RepoSummary, type RepoTurn } from './metrics.js';
import { promptLookup, RepoOfflineModel } from './offline.js';
import type { RepoSandbox } from './sandbox.js';
import { RECORDS_DJANGO, treeNote } from './hub-records.js';
import { loadRepoTaskSet } from './tasks.js';

/** What run-repo reports: items, their turns, the summary (phase = the benchmark). */
export type RepoReporter = Reporter<RepoItem, RepoTurn, RepoSummary>;

/** Keys that define a run's results; a directory holding other values for them is not resumed. */
const IDENTITY = ['benchmark', 'model', 'max_iter', 'think', 'context_source', 'program_repair_context', 'max_test_feedback_symb', 'max_context_symb', 'max_num_tests', 'timeout_s', 'seed', 'model_args'] as const;

export function defaultRepoRunDir(c: RepoRunConfig): string {
  const id = createHash('sha256').update(JSON.stringify([...IDENTITY, 'tasks' as const].map((k) => c[k]))).digest('hex').slice(0, 8);
  const slug = (s: string): string => s.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '');
  return join(c.logs_dir, `repo_${slug(c.model)}_${c.benchmark}_${slug(basename(c.tasks, '.jsonl'))}_${id}`);
}

export interface RunRepoResult { runDir: string; summary: RepoSummary; stats: { itemsRun: number; resumed: number; judged: number; execCacheHits: number; wallMs: number } }

/** Runs (or resumes) one benchmark over the selected tasks and writes the run directory. */
export async function runRepo(c: RepoRunConfig, deps: { sandbox: RepoSandbox; logger?: Logger; reporter?: RepoReporter; model?: ChatModel; progress?: ProgressFactory }): Promise<RunRepoResult> {
  const t0 = Date.now();
  const log = deps.logger ?? silentLogger;
  const set = await loadRepoTaskSet(c.tasks, { cacheDir: c.cache_dir, ...(deps.progress ? { progress: deps.progress } : {}) });
  const { tasks: all, sha256: tasksSha256 } = set;
  let tasks = all;
  if (c.ids) {
    const want = new Set(c.ids);
    tasks = all.filter((t) => want.has(t.dp_id) || want.has(String(t.idx)));
    const missing = c.ids.filter((id) => !all.some((t) => t.dp_id === id || String(t.idx) === id));
    if (missing.length) throw new UserError('UNKNOWN_TASK', `${c.tasks}: no task ${missing[0]}`);
  }
  if (c.limit) tasks = tasks.slice(0, c.limit);
  const runDir = c.out ?? defaultRepoRunDir(c);
  let dataset: Record<string, unknown> | undefined;
  if (set.dataset) {
    // Published records come from another Django: say so before anything runs, and keep it in config.yaml.
    const tree = await deps.sandbox.treeInfo([...new Set(tasks.map((t) => t.file_path))].sort());
    const note = treeNote(tree, new Set(tasks.map((t) => t.file_path)).size);
    if (note) log.warn(note);
    dataset = { ...set.dataset, made_on: RECORDS_DJANGO, tree: tree.version ?? null, ...(note ? { note } : {}) };
  }
  const dir = RunDir.open({
    dir: runDir, kind: 'repo', journal: 'results.jsonl', config: { ...c, out: runDir, tasks_sha256: tasksSha256, ...(dataset ? { dataset } : {}) },
    // The tasks file by content: a rewritten file in the same place is another run; a data set also by name, commit and records hash.
    identity: { ...Object.fromEntries(IDENTITY.map((k) => [k, c[k]])), tasks_sha256: tasksSha256, ...(set.dataset ? { dataset: set.dataset } : {}) },
  });
  try {
    await deps.sandbox.preflight();
    const tracker = new UsageTracker(loadPrices());
    const model = deps.model ?? createModel(c.model, c.model_args, {
      cacheDir: join(c.cache_dir, 'responses'), cache: c.cache, tracker,
      offline: (skill) => new RepoOfflineModel({ skill, seed: c.seed, lookup: promptLookup(all, c.benchmark) }),
    });
    const exec = new RepoExecCache(deps.sandbox, c.cache ? join(c.cache_dir, 'repo-exec') : undefined);
    const loopOpts = {
      benchmark: c.benchmark, maxIter: c.max_iter, maxNumTests: c.max_num_tests, timeoutS: c.timeout_s, modelArgs: c.model_args,
      contextSource: c.context_source, maxContextSymb: c.max_context_symb, think: c.think, repairContext: c.program_repair_context, maxTestFeedbackSymb: c.max_test_feedback_symb,
    } as const;
    const run = await runItems({
      dir, journal: 'results.jsonl', schema: RepoItemSchema, items: tasks, concurrency: c.concurrency, unit: 'items', phase: c.benchmark, reporter: deps.reporter,
      idOf: (t) => t.dp_id, recordId: (r) => r.dp_id,
      // Items that crashed the sandbox or hit a model error are tried again, up to 5 rounds as in the original.
      redo: (r) => r.stop_reason === 'CRUSHED' || r.stop_reason === 'generation_error', rounds: 5,
      prepare: async ({ todo, resumed }) => {
        if (todo.length) await preflight([model]);
        log.info(`run ${runDir}: ${tasks.length} items, ${resumed} already finished, ${c.benchmark}, model ${model.id}`);
      },
      work: async (task, round) => {
        const rec = await runItem(task, loopOpts, { model, exec, onTurn: (turn) => deps.reporter?.onTurn?.({ phase: c.benchmark, id: task.dp_id, turn }) });
        if (rec.error) log.warn(`${task.dp_id}: ${rec.stop_reason} (round ${round}): ${rec.error}`);
        return rec;
      },
    });
    const { resumed } = run;
    const records = run.records.filter((r): r is RepoItem => !!r);
    writeFileAtomic(dir.path('results_short.jsonl'), records.map((r) => JSON.stringify({ idx: r.idx, dp_id: r.dp_id, stop_reason: r.stop_reason, turns: r.turns.length, statuses: r.turns.map((t) => t.status), chrf: r.chrf })).join('\n') + '\n');
    const summary = summarizeRepo(records, { benchmark: c.benchmark, model: model.id, maxIter: c.benchmark === 'method_gen_multiturn' ? c.max_iter : 1, synthetic: model.synthetic });
    dir.writeJson('results_summary.json', summary);
    const stats = { itemsRun: run.ran, resumed, judged: exec.stats.judged, execCacheHits: exec.stats.hits, wallMs: Date.now() - t0 };
    dir.writeStats(stats);
    log.info(`done: ${JSON.stringify(summary.pass_rates)}; judged ${stats.judged}, cache hits ${stats.execCacheHits}`);
    deps.reporter?.onRunEnd?.({ phase: c.benchmark, summary });
    return { runDir, summary, stats };
  } finally {
    dir.close();
  }
}
