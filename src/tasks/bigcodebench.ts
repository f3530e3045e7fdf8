import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { isDatasetName, prepareDataset, type DatasetRef, type PrepareOptions } from '../data/prepare.js';
import { BIGCODEBENCH_DEFAULT_VERSION, datasetSpec, hardVariant } from '../data/registry.js';
import { UserError } from '../util/errors.js';
import { readJsonl } from '../util/jsonl.js';

export const BigCodeBenchTaskSchema = z.object({
  task_id: z.string(),
  complete_prompt: z.string(),
  instruct_prompt: z.string(),
  canonical_solution: z.string(),
  code_prompt: z.string(),
  test: z.string(),
  entry_point: z.string().default('task_func'),
  libs: z.string().optional(),
});
export type BigCodeBenchTask = z.infer<typeof BigCodeBenchTaskSchema>;

/** run-eval's default: the version BigCodeBench's own harness loads. */
export const DEFAULT_DATASET = `bigcodebench@${BIGCODEBENCH_DEFAULT_VERSION}`;
/** ConvCodeWorld's version of BigCodeBench. */
export const CONVCODEWORLD_DATASET = 'bigcodebench@v0.1.0_hf';

export function loadTasks(file: string): BigCodeBenchTask[] {
  return readJsonl(file, BigCodeBenchTaskSchema);
}

/** Hard-subset ids of a user's file: `hard-task-ids.json` beside it. */
export function loadHardIds(datasetFile: string): Set<string> {
  const file = join(dirname(datasetFile), 'hard-task-ids.json');
  if (!existsSync(file)) {
    throw new UserError('NO_HARD_IDS', `--subset hard on the file ${datasetFile} needs hard-task-ids.json beside it; or name the data set (--dataset bigcodebench-hard@<version>)`);
  }
  const ids = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(ids)) throw new UserError('BAD_HARD_IDS', `${file}: expected a JSON array of task ids`);
  return new Set(ids.map(String));
}

export interface TaskSet {
  /** Every task of the data set the selection draws from (the Hard split for --subset hard). */
  all: BigCodeBenchTask[];
  /** The data set's identity and files. */
  ref: DatasetRef;
  /** What to call it in messages and summaries: the name, or the file's base name. */
  label: string;
}

/**
 * The tasks of a data set name or file; `subset: 'hard'` means the bigcodebench-hard data set of
 * the same version (a file needs hard-task-ids.json beside it). An empty selection is an error.
 */
export async function loadTaskSet(dataset: string, subset: 'full' | 'hard' = 'full', opts: PrepareOptions = {}): Promise<TaskSet> {
  if (isDatasetName(dataset)) {
    const spec = datasetSpec(dataset);
    if (spec.family !== 'bigcodebench' && spec.family !== 'bigcodebench-hard') throw new UserError('NOT_BIGCODEBENCH', `${dataset}: not a BigCodeBench data set (bigcodebench@<version> or bigcodebench-hard@<version>)`);
    const name = subset === 'hard' ? hardVariant(spec.name)! : spec.name;
    const ref = await prepareDataset(name, opts);
    return { all: loadTasks(ref.records), ref, label: ref.name };
  }
  const ref = await prepareDataset(dataset, opts);
  let all = loadTasks(ref.records);
  if (subset === 'hard') {
    const hard = loadHardIds(ref.name);
    all = all.filter((t) => hard.has(t.task_id));
    if (!all.length) throw new UserError('EMPTY_SUBSET', `--subset hard: no task of ${ref.name} is in the Hard subset (hard-task-ids.json beside it)`);
  }
  return { all, ref, label: basename(ref.name) };
}

/** Accepts "BigCodeBench/13" or just "13". */
export function normalizeTaskId(id: string): string {
  return /^\d+$/.test(id) ? `BigCodeBench/${id}` : id;
}

export interface TaskSelection {
  ids?: string[];
  subset?: 'full' | 'hard';
  limit?: number;
}

export function selectTasks(tasks: BigCodeBenchTask[], datasetFile: string, sel: TaskSelection): BigCodeBenchTask[] {
  let out = tasks;
  if (sel.subset === 'hard') {
    const hard = loadHardIds(datasetFile);
    out = out.filter((t) => hard.has(t.task_id));
    if (!out.length) throw new UserError('EMPTY_SUBSET', `--subset hard: no task of ${datasetFile} is in the Hard subset`);
  }
  if (sel.ids?.length) {
    const byId = new Map(out.map((t) => [t.task_id, t]));
    const wanted = sel.ids.map(normalizeTaskId);
    const unknown = wanted.filter((id) => !byId.has(id));
    if (unknown.length) {
      const where = sel.subset === 'hard' ? `the hard subset of ${datasetFile}` : datasetFile;
      throw new UserError('UNKNOWN_TASK', `unknown task id${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')} (not in ${where})`);
    }
    out = wanted.map((id) => byId.get(id)!);
  }
  if (sel.limit !== undefined) out = out.slice(0, sel.limit);
  return out;
}
