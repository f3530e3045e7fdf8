import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../sandbox/time-limit.js';
import type { FlagTable } from '../config/flags.js';
import { parseOptions } from '../config/options.js';
import { passAtKTable } from '../metrics/pass-at-k.js';
import { fileSha256 } from '../replay/canonical.js';
import { versionField } from '../run/format.js';
import { RunDir } from '../run/run-dir.js';
import { runItems } from '../run/run-items.js';
import { calibratedSolution } from '../sandbox/program.js';
import type { ExecResult, Sandbox } from '../sandbox/types.js';
import { DEFAULT_DATASET, loadTaskSet, normalizeTaskId, selectTasks, type BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { datasetIdentity } from '../data/prepare.js';
import type { ProgressFactory } from '../data/progress.js';
import { UserError } from '../util/errors.js';
import { readJsonl } from '../util/jsonl.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';

export const SampleSchema = z
  .object({ task_id: z.string(), solution: z.string().optional(), completion: z.string().optional() })
  .refine((s) => s.solution !== undefined || s.completion !== undefined, { message: 'needs "solution" (or "completion")' });

/** Options of run-eval; the defaults are the command's. */
export const RunEvalOptionsSchema = z.object({
  /** A data set name (bigcodebench@<version>) or a file (JSON lines or parquet). */
  dataset: z.string().min(1).default(DEFAULT_DATASET),
  samples: z.string().optional(),
  canonical: z.boolean().default(false),
  ids: z.array(z.string()).optional(),
  subset: z.enum(['full', 'hard']).default('full'),
  timeoutS: z.number().positive().max(MAX_TIMEOUT_S).default(240),
  out: z.string().min(1),
  /** Prefix the prompt header and a `pass` body, as BigCodeBench's default "calibrated" mode. */
  calibrated: z.boolean().default(true),
  /** Jobs in flight; the sandbox's own pool bounds real parallelism. */
  parallel: z.number().int().positive(),
  /** Benchmark baseline: a fresh interpreter per task instead of the warm forking judge. */
  fresh: z.boolean().default(false),
});
export type RunEvalOptions = z.input<typeof RunEvalOptionsSchema>;

/** run-eval's flags (the sandbox's come from SANDBOX_FLAGS; --parallel there sets the jobs in flight). */
export const RUN_EVAL_FLAGS: FlagTable<typeof RunEvalOptionsSchema.shape> = {
  dataset: { flag: '--dataset <name|file>', description: 'BigCodeBench tasks: a data set name (bigcodebench@<version>, pulled on first use; see codeconv-data list) or a JSON lines / parquet file' },
  samples: { flag: '--samples <file>', description: 'solutions as JSON lines {"task_id", "solution"}' },
  canonical: { flag: '--canonical', description: 'judge the canonical solutions instead of samples' },
  ids: { flag: '--ids <ids>', description: 'only these task ids (comma-separated, "13" or "BigCodeBench/13")' },
  subset: { flag: '--subset <name>', description: 'task subset (hard: the bigcodebench-hard data set of the same version)' },
  timeoutS: { flag: '--timeout <s>', description: 'time limit for a whole test suite in seconds' },
  calibrated: { flag: '--no-calibrated', description: 'do not prefix the prompt header and a pass body to each solution' },
  out: { flag: '--out <dir>', description: 'output directory (rerunning with the same --out resumes)', required: true },
};
type RunEvalConfig = z.output<typeof RunEvalOptionsSchema>;

export interface EvalEntry {
  task_id: string;
  solution: string;
  status: ExecResult['status'];
  details: Record<string, string>;
}

/** One judged sample in eval_progress.jsonl. */
const ProgressRecordSchema = z.object({
  version: versionField,
  key: z.string(),
  index: z.number().int().min(0),
  task_id: z.string(),
  solution: z.string(),
  status: z.enum(['pass', 'fail', 'timeout']),
  details: z.record(z.string(), z.string()),
  durationMs: z.number(),
  timedOut: z.boolean(),
  oom: z.boolean(),
});
type ProgressRecord = z.infer<typeof ProgressRecordSchema>;

export interface RunEvalResult {
  file: string;
  judged: number;
  resumed: number;
  /** Samples judged by earlier invocations for tasks outside this one's selection (kept in the results). */
  merged: number;
  passAtK: Record<string, number>;
  /** Each k not reported, and why (a task with fewer samples than k). */
  passAtKSkipped: Record<string, string>;
  counts: { pass: number; fail: number; timeout: number };
}

export interface RunEvalDeps {
  sandbox: Sandbox;
  logger?: Logger;
  /** Phase 'run-eval': one item per judged sample. */
  reporter?: Reporter<ProgressRecord>;
  /** Download progress when the data set is pulled on first use. */
  progress?: ProgressFactory;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Judges samples (or canonical solutions) and writes BigCodeBench's eval_results.json; resumes. */
export async function runEval(input: RunEvalOptions, deps: RunEvalDeps): Promise<RunEvalResult> {
  const opts = parseOptions(RunEvalOptionsSchema, input);
  const log = deps.logger ?? silentLogger;
  if (!opts.samples === !opts.canonical) throw new UserError('BAD_OPTIONS', 'give exactly one of --samples <file> or --canonical');
  const set = await loadTaskSet(opts.dataset, opts.subset, deps.progress ? { progress: deps.progress } : {});
  const tasks = selectTasks(set.all, set.label, { ids: opts.ids });
  const byId = new Map(tasks.map((t) => [t.task_id, t]));

  const jobs: { task: BigCodeBenchTask; index: number; solution: string; program: string }[] = [];
  if (opts.canonical) {
    for (const task of tasks) {
      const solution = task.complete_prompt + '\n' + task.canonical_solution;
      jobs.push({ task, index: 0, solution, program: solution });
    }
  } else {
    const samples = readJsonl(opts.samples!, SampleSchema);
    const seen = new Map<string, number>();
    const known = new Set(set.all.map((t) => t.task_id));
    samples.forEach((s, i) => {
      const id = normalizeTaskId(s.task_id);
      // The Hard split holds only its own tasks: other samples are outside the selection, not unknown.
      if (!known.has(id) && opts.subset === 'hard') return;
      if (!known.has(id)) throw new UserError('UNKNOWN_TASK', `${opts.samples}:${i + 1}: unknown task id ${s.task_id} (not in ${set.label})`);
      const task = byId.get(id);
      if (!task) return; // filtered out by --ids / --subset
      const index = seen.get(id) ?? 0;
      seen.set(id, index + 1);
      const solution = (s.solution ?? s.completion)!;
      const program = opts.calibrated ? calibratedSolution(task.code_prompt, solution) : solution;
      jobs.push({ task, index, solution, program });
    });
  }

  if (!jobs.length) {
    throw new UserError('NOTHING_TO_JUDGE', opts.samples ? `${opts.samples}: no samples to judge${opts.ids?.length || opts.subset === 'hard' ? ' for the selected tasks' : ' (the file holds no records)'}` : 'no tasks selected: nothing to judge');
  }
  // Results depend on the data set's records, the samples and the judge: another value is another run.
  const identity = {
    dataset: datasetIdentity(set.ref), samplesSha256: opts.samples ? fileSha256(opts.samples) : 'canonical', timeoutS: opts.timeoutS,
    calibrated: opts.calibrated, fresh: opts.fresh, environment: deps.sandbox.environmentId(),
  };
  const dir = RunDir.open({
    dir: opts.out, kind: 'eval', journal: 'eval_progress.jsonl', identity,
    config: { ...identity, datasetFile: set.ref.records, samples: opts.samples ?? null, ids: opts.ids, subset: opts.subset },
  });
  try {
    return await judgeAll(dir, jobs, opts, deps, log);
  } finally {
    dir.close();
  }
}

type Job = { task: BigCodeBenchTask; index: number; solution: string; program: string };

async function judgeAll(dir: RunDir, jobs: Job[], opts: RunEvalConfig, deps: RunEvalDeps, log: Logger): Promise<RunEvalResult> {
  const keyOf = (j: Job): string => `${j.task.task_id}#${j.index}#${sha(j.program)}#${opts.timeoutS}`;
  const run = await runItems({
    dir, journal: 'eval_progress.jsonl', schema: ProgressRecordSchema, items: jobs, concurrency: opts.parallel, unit: 'samples', phase: 'run-eval', reporter: deps.reporter,
    idOf: keyOf, recordId: (r) => r.key,
    prepare: async ({ todo, resumed, total }) => {
      if (resumed) log.info(`resuming: ${resumed} of ${total} samples already judged in ${dir.path('eval_progress.jsonl')}`);
      if (todo.length) await deps.sandbox.start();
    },
    work: async (j) => {
      const r = await deps.sandbox.runUnittest({ solution: j.program, test: j.task.test, timeoutS: opts.timeoutS, fresh: opts.fresh });
      return {
        key: keyOf(j), index: j.index, task_id: j.task.task_id, solution: j.solution, status: r.status,
        details: r.details, durationMs: r.durationMs, timedOut: r.timedOut, oom: r.oom,
      };
    },
  });
  const { resumed } = run;
  deps.reporter?.onRunEnd?.({ phase: 'run-eval' });

  // Every sample judged in this directory, this invocation's selection or an earlier one's.
  const bySample = new Map<string, ProgressRecord>();
  for (const r of run.byId.values()) bySample.set(`${r.task_id}#${r.index}`, r);
  const merged = bySample.size - jobs.length;
  const ordered = [...bySample.values()].sort((a, b) => a.task_id.localeCompare(b.task_id, 'en', { numeric: true }) || a.index - b.index);
  const evalOut: Record<string, EvalEntry[]> = {};
  const perTask = new Map<string, { n: number; c: number }>();
  const counts = { pass: 0, fail: 0, timeout: 0 };
  for (const r of ordered) {
    (evalOut[r.task_id] ??= []).push({ task_id: r.task_id, solution: r.solution, status: r.status, details: r.details });
    const t = perTask.get(r.task_id) ?? { n: 0, c: 0 };
    t.n++;
    if (r.status === 'pass') t.c++;
    perTask.set(r.task_id, t);
    counts[r.status]++;
  }
  const { values: passAtK, skipped } = passAtKTable([...perTask.values()], [1, 5, 10, 25, 100]);
  const file = dir.writeJson('eval_results.json', {
    date: new Date().toISOString().replace('T', ' ').slice(0, 19), eval: evalOut, pass_at_k: passAtK, pass_at_k_skipped: skipped,
  });
  return { file, judged: run.ran, resumed, merged, passAtK, passAtKSkipped: skipped, counts };
}
