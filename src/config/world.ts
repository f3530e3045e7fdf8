import { join, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../sandbox/time-limit.js';
import { SandboxOptionsSchema } from '../sandbox/options.js';
import { CONVCODEWORLD_TIMEOUT_S } from '../feedback/constants.js';
import { ModelParamsSchema, MODEL_SPEC_FORMS } from '../models/spec.js';
import { projectRoot, userCacheDir } from '../sandbox/paths.js';
import { isDatasetName } from '../data/prepare.js';
import { parseQueueUrl } from '../sandbox/queue/url.js';
import { SETTING_NAMES } from '../episode/settings.js';
import { PROTOCOL_NAMES, profileOf } from '../episode/protocol.js';
import { UserError } from '../util/errors.js';
import type { FlagTable } from './flags.js';
import { resolveLayers, type ConfigLayer } from './layers.js';

export { readYamlConfig } from './layers.js';

/** One schema for resources/*.yaml and the run-world command line (CLI flags use the same keys). */
export const WorldConfigSchema = z
  .object({
    model: z.string().min(1),
    userModel: z.string().min(1).describe('"auto": offline when the coder is offline, else the protocol\'s pinned simulator (openai:gpt-4o-2024-05-13)'),
    setting: z.enum(SETTING_NAMES),
    maxTurns: z.number().int().min(0).max(50),
    dataset: z.string().min(1),
    ids: z.array(z.string()).optional(),
    limit: z.number().int().positive().optional(),
    subset: z.enum(['full', 'hard']),
    concurrency: z.number().int().positive().max(256),
    out: z.string().optional(),
    logsDir: z.string(),
    history: z.enum(['none', 'full']),
    protocol: z.enum(PROTOCOL_NAMES).describe("convcodeworld: the leaderboard's protocol, quirks included; clean: the corrected one"),
    maxCallsPerTurn: z.number().int().min(1).max(10).describe('coder calls per turn: compile fixes and the refinement together'),
    turn0Samples: z.string().optional().describe('BigCodeBench samples file whose solutions are turn 0'),
    timeoutS: z.number().positive().max(MAX_TIMEOUT_S).default(CONVCODEWORLD_TIMEOUT_S),
    seed: z.number().int(),
    leakThreshold: z.number().min(0).max(1),
    cache: z.boolean(),
    cacheDir: z.string(),
    // The same options and defaults as every command's --sandbox flags (SandboxOptionsSchema).
    sandbox: z
      .object({
        kind: SandboxOptionsSchema.shape.sandbox,
        parallel: SandboxOptionsSchema.shape.parallel,
        memoryMb: SandboxOptionsSchema.shape.memoryMb,
        image: SandboxOptionsSchema.shape.image.describe('sandbox image; with kind queue, the one workers must have ("local": local workers)'),
        queue: z.string().refine(isQueueUrl, 'expected redis://[:password@]host:port[/db] or rediss://...').optional(),
      })
      .strict()
      .refine((s) => s.kind !== 'queue' || s.queue !== undefined, { message: 'kind queue needs sandbox.queue (or --queue)', path: ['queue'] })
      .default({}),
    modelParams: ModelParamsSchema,
    userModelParams: ModelParamsSchema,
  })
  .strict();

export type WorldConfig = z.output<typeof WorldConfigSchema>;

/** Episode flags run-world and run-bench both take, with one wording. */
export const EPISODE_FLAGS = {
  concurrency: { flag: '--concurrency <n>', description: 'episodes in flight' },
  maxCallsPerTurn: { flag: '--max-calls-per-turn <n>', description: 'coder calls per turn, compile fixes and the refinement together' },
  cache: { flag: '--no-cache', description: 'bypass the response and execution caches' },
} satisfies FlagTable<typeof WorldConfigSchema.shape>;

/** run-world's flags under the config's keys; their defaults are the config layers' (resources/config.yaml). */
export const RUN_WORLD_FLAGS: FlagTable<typeof WorldConfigSchema.shape> = {
  model: { flag: '--model <spec>', description: `coder model: ${MODEL_SPEC_FORMS}` },
  userModel: { flag: '--user-model <spec>', description: 'simulated user model (auto: offline with an offline coder, else openai:gpt-4o-2024-05-13, the paper\'s snapshot)' },
  setting: { flag: '--setting <name>', description: 'one of the nine feedback settings' },
  maxTurns: { flag: '--max-turns <n>', description: 'refinement turns after turn 0' },
  dataset: { flag: '--dataset <name|file>', description: 'BigCodeBench tasks: a data set name (bigcodebench@v0.1.0_hf is ConvCodeWorld\'s; pulled on first use) or a JSON lines / parquet file' },
  ids: { flag: '--ids <ids>', description: 'only these task ids (comma-separated)' },
  limit: { flag: '--limit <n>', description: 'only the first n tasks' },
  subset: { flag: '--subset <name>', description: 'task subset (hard: the bigcodebench-hard data set of the same version)' },
  concurrency: EPISODE_FLAGS.concurrency,
  out: { flag: '--out <dir>', description: 'run directory (rerunning resumes)', defaultText: 'logs/<model>_<setting>_<dataset>_<hash>' },
  history: { flag: '--history <mode>', description: 'none: problem + previous code + feedback (the paper); full: whole chat' },
  protocol: { flag: '--protocol <name>', description: "convcodeworld: the leaderboard's protocol, quirks included; clean: the corrected one (docs/protocol.md)" },
  maxCallsPerTurn: EPISODE_FLAGS.maxCallsPerTurn,
  turn0Samples: { flag: '--turn0 <samples.jsonl>', description: 'start every episode from this BigCodeBench samples file ({task_id, solution}) instead of generating turn 0' },
  cache: EPISODE_FLAGS.cache,
  timeoutS: { flag: '--timeout <s>', description: 'time limit per test suite in seconds (the original\'s)' },
  seed: { flag: '--seed <n>', description: 'seed of the offline models' },
};
export const DEFAULT_CONFIG_FILE = join(projectRoot, 'resources', 'config.yaml');

/** Defaults file, then --config file, then command-line values; validated together. */
export function resolveWorldConfig(layers: ConfigLayer[]): WorldConfig {
  for (const layer of layers) rejectRetiredKeys(layer.values, layer.file);
  const c = resolveLayers(WorldConfigSchema, layers);
  if (!isDatasetName(c.dataset)) c.dataset = resolve(projectRoot, c.dataset);
  c.cacheDir = c.cacheDir === 'auto' ? userCacheDir() : resolve(projectRoot, c.cacheDir);
  // Runs belong to the user's working directory, never inside an installed package.
  c.logsDir = resolve(c.logsDir);
  if (c.turn0Samples) c.turn0Samples = resolve(projectRoot, c.turn0Samples);
  if (c.userModel === 'auto') c.userModel = c.model.startsWith('offline') ? 'offline' : profileOf(c.protocol).simulator;
  return c;
}

/** Keys the protocol option replaced: a file still using them gets one line saying what to write. */
const RETIRED_KEYS = ['compat', 'turn0Prompt'];

function rejectRetiredKeys(values: Record<string, unknown>, file: string): void {
  const key = RETIRED_KEYS.find((k) => values[k] !== undefined);
  if (key) throw new UserError('BAD_CONFIG', `${file}: key "${key}" was replaced by "protocol" (protocol: convcodeworld, the default and the leaderboard's, or protocol: clean)`);
}

function isQueueUrl(url: string): boolean {
  try {
    parseQueueUrl(url);
    return true;
  } catch {
    return false;
  }
}
