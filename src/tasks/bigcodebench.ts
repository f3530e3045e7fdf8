import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../sandbox/paths.js';
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

/** Where the shared data lives next to the project; users point --dataset elsewhere. */
export const SHARED_DATA = join(projectRoot, '..', 'shared', 'data');
export const DEFAULT_DATASET = join(SHARED_DATA, 'bigcodebench', 'bigcodebench-v0.1.0_hf.jsonl');

export function loadTasks(file: string): BigCodeBenchTask[] {
  return readJsonl(file, BigCodeBenchTaskSchema);
}

/** Hard-subset ids: `hard-task-ids.json` beside the dataset, else the shared copy. */
export function loadHardIds(datasetFile: string): Set<string> {
  const candidates = [join(dirname(datasetFile), 'hard-task-ids.json'), join(SHARED_DATA, 'bigcodebench', 'hard-task-ids.json')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new UserError('NO_HARD_IDS', `--subset hard needs hard-task-ids.json beside ${datasetFile}`);
  const ids = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(ids)) throw new UserError('BAD_HARD_IDS', `${file}: expected a JSON array of task ids`);
  return new Set(ids.map(String));
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
