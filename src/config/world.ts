import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ModelParamsSchema } from '../models/spec.js';
import { projectRoot } from '../sandbox/paths.js';
import { parseQueueUrl } from '../sandbox/queue/url.js';
import { SETTING_NAMES } from '../episode/settings.js';
import { resolveLayers, type ConfigLayer } from './layers.js';

export { readYamlConfig } from './layers.js';

/** One schema for resources/*.yaml and the run-world command line (CLI flags use the same keys). */
export const WorldConfigSchema = z
  .object({
    model: z.string().min(1),
    userModel: z.string().min(1).describe('"auto": offline when the coder is offline, else openai:gpt-4o'),
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
    compat: z.enum(['none', 'convcodeworld']),
    maxCallsPerTurn: z.number().int().min(1).max(10).describe('coder calls per turn: compile fixes and the refinement together'),
    turn0Prompt: z.enum(['auto', 'plain', 'bigcodebench']).describe('auto: bigcodebench under compat convcodeworld, else plain'),
    turn0Samples: z.string().optional().describe('BigCodeBench samples file whose solutions are turn 0'),
    timeoutS: z.number().positive(),
    seed: z.number().int(),
    leakThreshold: z.number().min(0).max(1),
    cache: z.boolean(),
    cacheDir: z.string(),
    sandbox: z
      .object({
        kind: z.enum(['docker', 'local', 'queue']),
        parallel: z.number().int().positive(),
        memoryMb: z.number().int().positive().optional(),
        image: z.string().min(1).optional().describe('sandbox image; with kind queue, the one workers must have ("local": local workers)'),
        queue: z.string().refine(isQueueUrl, 'expected redis://[:password@]host:port[/db] or rediss://...').optional(),
      })
      .strict()
      .refine((s) => s.kind !== 'queue' || s.queue !== undefined, { message: 'kind queue needs sandbox.queue (or --queue)', path: ['queue'] }),
    modelParams: ModelParamsSchema,
    userModelParams: ModelParamsSchema,
  })
  .strict();

export type WorldConfig = z.output<typeof WorldConfigSchema>;
export const DEFAULT_CONFIG_FILE = join(projectRoot, 'resources', 'config.yaml');

/** Defaults file, then --config file, then command-line values; validated together. */
export function resolveWorldConfig(layers: ConfigLayer[]): WorldConfig {
  const c = resolveLayers(WorldConfigSchema, layers);
  c.dataset = resolve(projectRoot, c.dataset);
  c.cacheDir = resolve(projectRoot, c.cacheDir);
  c.logsDir = resolve(projectRoot, c.logsDir);
  if (c.turn0Samples) c.turn0Samples = resolve(projectRoot, c.turn0Samples);
  if (c.turn0Prompt === 'auto') c.turn0Prompt = c.compat === 'convcodeworld' ? 'bigcodebench' : 'plain';
  if (c.userModel === 'auto') c.userModel = c.model.startsWith('offline') ? 'offline' : 'openai:gpt-4o';
  return c;
}

function isQueueUrl(url: string): boolean {
  try {
    parseQueueUrl(url);
    return true;
  } catch {
    return false;
  }
}
