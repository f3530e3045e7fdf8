import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { passAtKTable } from '../metrics/pass-at-k.js';
import { calibratedSolution } from '../sandbox/program.js';
import type { ExecResult, Sandbox } from '../sandbox/types.js';
import { loadTasks, normalizeTaskId, selectTasks, type BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { mapLimit } from '../util/concurrency.js';
import { UserError } from '../util/errors.js';
import { appendJsonl, readJsonl, readJsonlTolerant, repairJsonlTail } from '../util/jsonl.js';
import { silentLogger, type Logger } from '../util/logger.js';

export const SampleSchema = z
  .object({ task_id: z.string(), solution: z.string().optional(), completion: z.string().optional() })
  .refine((s) => s.solution !== undefined || s.completion !== undefined, { message: 'needs "solution" (or "completion")' });

export interface RunEvalOptions {
  dataset: string;
  samples?: string;
  canonical?: boolean;
  ids?: string[];
  subset?: 'full' | 'hard';
  timeoutS: number;
  out: string;
  /** Prefix the prompt header and a `pass` body, as BigCodeBench's default "calibrated" mode. */
  calibrated?: boolean;
  /** Jobs in flight; the sandbox's own pool bounds real parallelism. */
  parallel: number;
  /** Benchmark baseline: a fresh interpreter per task instead of the warm forking judge. */
  fresh?: boolean;
}

export interface EvalEntry {
  task_id: string;
  solution: string;
  status: ExecResult['status'];
  details: Record<string, string>;
}

interface ProgressRecord extends EvalEntry {
  index: number;
  key: string;
  durationMs: number;
  timedOut: boolean;
  oom: boolean;
}

export interface RunEvalResult {
  file: string;
  judged: number;
  resumed: number;
  passAtK: Record<string, number>;
  counts: { pass: number; fail: number; timeout: number };
}

export interface RunEvalDeps {
  sandbox: Sandbox;
  logger?: Logger;
  onProgress?: (done: number, total: number) => void;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Judges samples (or canonical solutions) and writes BigCodeBench's eval_results.json; resumes. */
export async function runEval(opts: RunEvalOptions, deps: RunEvalDeps): Promise<RunEvalResult> {
  const log = deps.logger ?? silentLogger;
  if (!opts.samples === !opts.canonical) throw new UserError('BAD_OPTIONS', 'give exactly one of --samples <file> or --canonical');
  const tasks = selectTasks(loadTasks(opts.dataset), opts.dataset, { ids: opts.ids, subset: opts.subset });
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
    const known = new Set(loadTasks(opts.dataset).map((t) => t.task_id));
    samples.forEach((s, i) => {
      const id = normalizeTaskId(s.task_id);
      if (!known.has(id)) throw new UserError('UNKNOWN_TASK', `${opts.samples}:${i + 1}: unknown task id ${s.task_id} (not in ${opts.dataset})`);
      const task = byId.get(id);
      if (!task) return; // filtered out by --ids / --subset
      const index = seen.get(id) ?? 0;
      seen.set(id, index + 1);
      const solution = (s.solution ?? s.completion)!;
      const program = opts.calibrated === false ? solution : calibratedSolution(task.code_prompt, solution);
      jobs.push({ task, index, solution, program });
    });
  }

  mkdirSync(opts.out, { recursive: true });
  const progressFile = join(opts.out, 'eval_progress.jsonl');
  repairJsonlTail(progressFile);
  const done = new Map<string, ProgressRecord>();
  for (const r of readJsonlTolerant<ProgressRecord>(progressFile)) done.set(r.key, r);
  const keyOf = (j: (typeof jobs)[number]): string => `${j.task.task_id}#${j.index}#${sha(j.program)}#${opts.timeoutS}`;
  const todo = jobs.filter((j) => !done.has(keyOf(j)));
  const resumed = jobs.length - todo.length;
  if (resumed) log.info(`resuming: ${resumed} of ${jobs.length} samples already judged in ${progressFile}`);

  if (todo.length) await deps.sandbox.start();
  let finished = resumed;
  deps.onProgress?.(finished, jobs.length);
  await mapLimit(todo, opts.parallel, async (j) => {
    const r = await deps.sandbox.runUnittest({ solution: j.program, test: j.task.test, timeoutS: opts.timeoutS, fresh: opts.fresh });
    const rec: ProgressRecord = {
      key: keyOf(j), index: j.index, task_id: j.task.task_id, solution: j.solution, status: r.status,
      details: r.details, durationMs: r.durationMs, timedOut: r.timedOut, oom: r.oom,
    };
    await appendJsonl(progressFile, rec);
    done.set(rec.key, rec);
    deps.onProgress?.(++finished, jobs.length);
  });

  const evalOut: Record<string, EvalEntry[]> = {};
  const perTask = new Map<string, { n: number; c: number }>();
  const counts = { pass: 0, fail: 0, timeout: 0 };
  for (const j of jobs) {
    const r = done.get(keyOf(j))!;
    (evalOut[j.task.task_id] ??= []).push({ task_id: r.task_id, solution: r.solution, status: r.status, details: r.details });
    const t = perTask.get(j.task.task_id) ?? { n: 0, c: 0 };
    t.n++;
    if (r.status === 'pass') t.c++;
    perTask.set(j.task.task_id, t);
    counts[r.status]++;
  }
  const passAtK = passAtKTable([...perTask.values()], [1, 5, 10, 25, 100]);
  const file = join(opts.out, 'eval_results.json');
  const tmp = file + '.tmp';
  writeFileSync(tmp, JSON.stringify({ date: new Date().toISOString().replace('T', ' ').slice(0, 19), eval: evalOut, pass_at_k: passAtK }, null, 2));
  renameSync(tmp, file);
  return { file, judged: todo.length, resumed, passAtK, counts };
}
