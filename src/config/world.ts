import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../sandbox/time-limit.js';
import { ModelParamsSchema } from '../models/spec.js';
import { projectRoot, userCacheDir } from '../sandbox/paths.js';
import { isDatasetName } from '../data/prepare.js';
import { parseQueueUrl } from '../sandbox/queue/url.js';
import { SETTING_NAMES } from '../episode/settings.js';
import { PROTOCOL_NAMES, profileOf } from '../episode/protocol.js';
import { UserError } from '../util/errors.js';
import { issuePath, zodIssueLine } from './options.js';
import { readUserFile } from '../util/files.js';

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
    timeoutS: z.number().positive().max(MAX_TIMEOUT_S),
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

/** Reads a YAML config; a bad file names the file, the key and the reason. */
export function readYamlConfig(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new UserError('NO_CONFIG', `${file}: no such config file`);
  const text = readUserFile(file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError('BAD_CONFIG', `${file}: invalid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UserError('BAD_CONFIG', `${file}: expected a mapping of keys`);
  return doc as Record<string, unknown>;
}

/** Defaults file, then --config file, then command-line values; validated together. */
export function resolveWorldConfig(layers: { file: string; values: Record<string, unknown> }[]): WorldConfig {
  const merged: Record<string, unknown> = {};
  layers.forEach((layer, i) => {
    rejectRetiredKeys(layer.values, layer.file);
    deepMerge(merged, structuredClone(layer.values));
    // A bad key or value in a file is an error even when a later layer overrides it; cross-key rules wait for the final merge.
    if (i === layers.length - 1) return;
    const r = WorldConfigSchema.safeParse(merged);
    const own = r.success ? [] : r.error.issues.filter((iss) => iss.code !== 'custom' && hasPath(layer.values, issuePath(iss)));
    if (own.length) throw new UserError('BAD_CONFIG', zodIssueLine(new z.ZodError(own), layer.file));
  });
  const parsed = WorldConfigSchema.safeParse(merged);
  if (!parsed.success) {
    // Blame the layer that sets the key.
    const from = (path: (string | number)[]): string =>
      [...layers].reverse().find((l) => hasPath(l.values, path))?.file ?? layers[layers.length - 1]?.file ?? 'config';
    throw new UserError('BAD_CONFIG', zodIssueLine(parsed.error, from));
  }
  const c = parsed.data;
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

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined) continue;
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else into[k] = v;
  }
}

function hasPath(obj: Record<string, unknown>, path: (string | number)[]): boolean {
  let cur: unknown = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || !(p in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[p as string];
  }
  // The command line lists every option, set or not: an unset one blames no layer.
  return cur !== undefined;
}
