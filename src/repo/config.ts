import { join, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../sandbox/time-limit.js';
import { fileLayers, resolveLayers } from '../config/layers.js';
import { isDatasetName } from '../data/prepare.js';
import type { FlagSpec, FlagTable } from '../config/flags.js';
import { MODEL_SPEC_FORMS, ModelParamsSchema } from '../models/spec.js';
import { projectRoot, userCacheDir } from '../sandbox/paths.js';

/** resources/repo.yaml, a --config file and the run-repo flags share these keys (the spec's names). */
export const RepoRunConfigSchema = z.object({
  benchmark: z.enum(['method_gen_multiturn', 'completion', 'program_repair']),
  tasks: z.string().min(1),
  model: z.string().min(1),
  max_iter: z.number().int().min(1).max(50),
  think: z.boolean(),
  context_source: z.enum(['file', 'class']),
  program_repair_context: z.enum(['test', 'null']),
  max_test_feedback_symb: z.number().int().positive(),
  max_context_symb: z.number().int().positive(),
  max_num_tests: z.number().int().positive(),
  timeout_s: z.number().positive().max(MAX_TIMEOUT_S),
  limit: z.number().int().positive().optional(),
  ids: z.array(z.string()).optional(),
  concurrency: z.number().int().positive().max(64),
  parallel: z.number().int().positive().max(16),
  seed: z.number().int(),
  cache: z.boolean(),
  cache_dir: z.string(),
  logs_dir: z.string(),
  out: z.string().optional(),
  image: z.string().optional(),
  model_args: ModelParamsSchema,
}).strict();
export type RepoRunConfig = z.output<typeof RepoRunConfigSchema>;

/** The container flags run-repo's run and build both take. */
const REPO_CONTAINER_FLAGS = {
  parallel: { flag: '--parallel <n>', description: 'judgment containers at once' },
  image: { flag: '--image <tag>', description: 'Django image', defaultText: 'the tag built by scripts/build-repo-image.sh' },
} satisfies Record<string, FlagSpec>;

/** The run-repo flags; defaults come from resources/repo.yaml (keys it has) and the table's defaultText. */
export const REPO_RUN_FLAGS: FlagTable<typeof RepoRunConfigSchema.shape> = {
  benchmark: { flag: '--benchmark <name>', description: 'the benchmark run over the task set' },
  tasks: { flag: '--tasks <name|file>', description: 'a data set name (django: the published records, pulled on first use; see codeconv-data list) or a task file built by `run-repo build`' },
  model: { flag: '--model <spec>', description: MODEL_SPEC_FORMS },
  max_iter: { flag: '--max-iter <n>', description: 'turns of method generation' },
  think: { flag: '--no-think', description: 'append " /no_think" to prompts' },
  context_source: { flag: '--context-source <src>', description: 'file: the file without the method; class: the class without it' },
  program_repair_context: { flag: '--repair-context <ctx>', description: 'program_repair: show the failing output (test) or not (null)' },
  max_test_feedback_symb: { flag: '--max-test-feedback-symb <n>', description: 'tail of the test output fed back' },
  max_context_symb: { flag: '--max-context-symb <n>', description: 'context length limit' },
  max_num_tests: { flag: '--max-num-tests <n>', description: 'test labels per judgment' },
  timeout_s: { flag: '--timeout <s>', description: 'time limit of one test run' },
  limit: { flag: '--limit <n>', description: 'only the first n tasks' },
  ids: { flag: '--ids <ids>', description: 'only these tasks (dp_id or idx, comma-separated)' },
  concurrency: { flag: '--concurrency <n>', description: 'items in flight' },
  parallel: REPO_CONTAINER_FLAGS.parallel,
  seed: { flag: '--seed <n>', description: 'seed of the offline models' },
  image: REPO_CONTAINER_FLAGS.image,
  out: { flag: '--out <dir>', description: 'run directory', defaultText: 'logs/repo_<model>_<benchmark>_<tasks>_<hash>' },
  cache: { flag: '--no-cache', description: 'bypass the response and judgment caches' },
};

/** resources/repo-build.yaml and the `run-repo build` flags. */
export const RepoBuildConfigSchema = z.object({
  out: z.string().min(1),
  seed: z.number().int(),
  /** Test apps of Django's suite run once under the tracer (a fixed subset, so the build is repeatable). */
  test_apps: z.array(z.string().min(1)).min(1),
  min_body_lines: z.number().int().min(1),
  max_tests: z.number().int().positive(),
  target_tasks: z.number().int().positive(),
  mutants_tried: z.number().int().positive(),
  /** Candidates validated in one container (their runs restore the file; the tree is checked after). */
  batch_size: z.number().int().positive().max(50),
  timeout_s: z.number().positive().max(MAX_TIMEOUT_S),
  trace_timeout_s: z.number().positive(),
  parallel: z.number().int().positive().max(16),
  cache_dir: z.string(),
  image: z.string().optional(),
}).strict();
export type RepoBuildConfig = z.output<typeof RepoBuildConfigSchema>;

/** The `run-repo build` flags; defaults come from resources/repo-build.yaml. */
export const REPO_BUILD_FLAGS: FlagTable<typeof RepoBuildConfigSchema.shape> = {
  out: { flag: '--out <file>', description: 'task file to write' },
  seed: { flag: '--seed <n>', description: 'orders candidates and mutations' },
  target_tasks: { flag: '--target <n>', description: 'tasks to validate and keep' },
  test_apps: { flag: '--apps <apps>', description: 'test apps to trace (comma-separated)' },
  parallel: REPO_CONTAINER_FLAGS.parallel,
  image: REPO_CONTAINER_FLAGS.image,
};

export const REPO_RUN_DEFAULTS = join(projectRoot, 'resources', 'repo.yaml');
export const REPO_BUILD_DEFAULTS = join(projectRoot, 'resources', 'repo-build.yaml');

export function resolveRunConfig(configFile: string | undefined, flags: Record<string, unknown>): RepoRunConfig {
  const c = resolveLayers(RepoRunConfigSchema, fileLayers(REPO_RUN_DEFAULTS, configFile, flags));
  // A data set name (`django`) stays a name; a path in a config file is taken from the project root.
  return { ...c, tasks: isDatasetName(c.tasks) ? c.tasks : resolve(projectRoot, c.tasks), cache_dir: repoCacheDir(c.cache_dir), logs_dir: resolve(c.logs_dir) };
}

export function resolveBuildConfig(configFile: string | undefined, flags: Record<string, unknown>): RepoBuildConfig {
  const c = resolveLayers(RepoBuildConfigSchema, fileLayers(REPO_BUILD_DEFAULTS, configFile, flags));
  return { ...c, out: resolve(projectRoot, c.out), cache_dir: repoCacheDir(c.cache_dir) };
}

/** `auto`: the user's cache directory; a path in a config file is taken from the project root. */
function repoCacheDir(dir: string): string {
  return dir === 'auto' ? userCacheDir() : resolve(projectRoot, dir);
}
