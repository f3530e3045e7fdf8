import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { maskSecrets } from '../util/secrets.js';
import { writeFileAtomic } from './atomic.js';
import { issueText, versioned, versionField } from './format.js';

export const RUN_KINDS = ['world', 'bench', 'reasoning', 'eval', 'repo', 'score', 'synth'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** config.yaml of a run directory: what it was started with; `kind` says which command wrote it. */
export const RunConfigSchema = z.object({ version: versionField, kind: z.enum(RUN_KINDS).optional(), mode: z.string().optional() }).passthrough();
export type RunConfigFile = z.infer<typeof RunConfigSchema>;

/** The config a run directory was started with (undefined when it has none). */
export function readRunConfig(dir: string): RunConfigFile | undefined {
  const file = join(dir, 'config.yaml');
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_RUN', `${file}: invalid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = RunConfigSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new UserError('BAD_RUN', `${file}: ${issueText(parsed.error)}`);
  return parsed.data;
}

/** Files written before `kind` existed: run-bench marked itself with mode: static, run-world with nothing. */
export function kindOf(c: RunConfigFile): RunKind {
  return c.kind ?? (c.mode === 'static' ? 'bench' : 'world');
}

const COMMAND: Record<RunKind, string> = {
  world: 'run-world', bench: 'run-bench', reasoning: 'run-reasoning', eval: 'run-eval', repo: 'run-repo', score: 'run-reasoning score', synth: 'run-reasoning synth',
};

/** Refuses a directory whose config.yaml says another command made it (whether or not it holds results yet). */
export function checkKind(dir: string, prev: RunConfigFile, kind: RunKind): void {
  const prevKind = kindOf(prev);
  if (prevKind !== kind) throw new UserError('RUN_MISMATCH', `${dir} holds a ${COMMAND[prevKind]} run (config.yaml kind "${prevKind}"); nothing was written there; use another --out`);
}

/** Refuses a directory holding results of another command or of a run with other identity values. */
export function checkIdentity(dir: string, kind: RunKind, identity: Record<string, unknown>): void {
  const prev = readRunConfig(dir);
  if (!prev) return;
  checkKind(dir, prev, kind);
  for (const [k, v] of Object.entries(identity)) {
    if (JSON.stringify(prev[k]) !== JSON.stringify(v)) {
      throw new UserError('RUN_MISMATCH', `${dir} holds a ${COMMAND[kind]} run with a different "${k}" (${JSON.stringify(prev[k]) ?? 'unset'}, now ${JSON.stringify(v)}); use another --out to start a new run`);
    }
  }
}

export function writeRunConfig(dir: string, kind: RunKind, config: Record<string, unknown>): void {
  // JSON round trip: drops undefined values, which YAML would write as null. `kind` is the first line.
  const { kind: _k, version: _v, ...rest } = config;
  writeFileAtomic(join(dir, 'config.yaml'), toYaml(JSON.parse(maskSecrets(JSON.stringify({ kind, ...versioned(rest) })))));
}
