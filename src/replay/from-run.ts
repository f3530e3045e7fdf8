import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { EpisodeRecord } from '../episode/record.js';
import { PROTOCOL_NAMES } from '../episode/protocol.js';
import { ComparabilitySchema } from '../world/comparability.js';
import { readRunConfig } from '../run/config.js';
import { issueText } from '../run/format.js';
import { EpisodeRecordSchema } from '../episode/record-schema.js';
import { UserError } from '../util/errors.js';
import { readJsonlTolerant } from '../util/jsonl.js';
import { fileSha256 } from './canonical.js';
import type { Reference, ReferenceTask, ReferenceTurn } from './types.js';

/** The config.yaml fields a reference needs. */
const RunConfigSchema = z.object({
  mode: z.string().optional(),
  model: z.string().optional(),
  userModel: z.string().optional(),
  setting: z.string().optional(),
  maxTurns: z.number().int().min(0).optional(),
  dataset: z.string().optional(),
  protocol: z.enum(PROTOCOL_NAMES).optional(),
  /** Runs made before protocols were named: convcodeworld was the quirks mode, none the other. */
  compat: z.enum(['none', 'convcodeworld']).optional(),
  timeoutS: z.number().optional(),
}).passthrough();

/** Whether a directory is a run-world run directory (config.yaml + episodes.jsonl). */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, 'config.yaml')) && existsSync(join(dir, 'episodes.jsonl'));
}

/**
 * A run-world directory as a reference: each episode's code versions with their full-test labels,
 * and on each version the feedback the reference received about it at the next turn.
 */
export function referenceFromRunDir(dir: string): { reference: Reference; datasetPath?: string } {
  if (!isRunDir(dir)) throw new UserError('BAD_REFERENCE', `${dir}: not a run directory (needs config.yaml and episodes.jsonl)`);
  const parsed = RunConfigSchema.safeParse(readRunConfig(dir) ?? {});
  if (!parsed.success) throw new UserError('BAD_REFERENCE', `${join(dir, 'config.yaml')}: ${issueText(parsed.error)}`);
  const cfg = parsed.data;
  if (!cfg.setting || !cfg.model || cfg.maxTurns === undefined) {
    throw new UserError('BAD_REFERENCE', `${join(dir, 'config.yaml')}: not a run-world config (needs model, setting and maxTurns)`);
  }
  if (cfg.mode === 'static') throw new UserError('BAD_REFERENCE', `${dir}: a run-bench (static) run cannot serve as a reference; use a run-world run`);
  const records = readJsonlTolerant(join(dir, 'episodes.jsonl'), EpisodeRecordSchema);
  const byId = new Map<string, EpisodeRecord>();
  for (const r of records) byId.set(r.task_id, r); // a rerun's record replaces an errored one
  const tasks: ReferenceTask[] = [...byId.values()].map((r) => ({
    task_id: r.task_id,
    turns: r.turns.map((t, k): ReferenceTurn => {
      const next = r.turns[k + 1];
      const fb = next && !next.copied ? next.feedback : undefined;
      return {
        turn: t.turn,
        code: t.code,
        passed: t.status === 'pass',
        ...(fb?.compilation !== undefined ? { compilation_feedback: fb.compilation } : {}),
        ...(fb?.execution !== undefined ? { execution_feedback: fb.execution } : {}),
        user_feedback: fb?.user ?? null,
      };
    }),
    ...(r.error ? { error: r.error } : {}),
  }));
  const datasetPath = cfg.dataset && existsSync(cfg.dataset) ? cfg.dataset : undefined;
  const synthetic = records.some((r) => r.synthetic);
  return {
    reference: {
      reference_model: cfg.model,
      user_model: records.find((r) => r.user_model)?.user_model ?? cfg.userModel ?? null,
      source: { kind: 'run-world', name: basename(dir) },
      dataset: { name: basename(cfg.dataset ?? 'unknown'), sha256: datasetPath ? fileSha256(datasetPath) : null },
      max_turns: cfg.maxTurns,
      protocol: cfg.protocol ?? (cfg.compat === 'convcodeworld' ? 'convcodeworld' : cfg.compat === 'none' ? 'clean' : 'convcodeworld'),
      prompts_sha256: promptsHashOf(dir),
      timeout_s: cfg.timeoutS ?? 240,
      synthetic,
      settings: { [cfg.setting]: { tasks } },
    },
    ...(datasetPath ? { datasetPath } : {}),
  };
}

/** The prompt-template hash a run's summary.json records, if it has one. */
function promptsHashOf(dir: string): string | null {
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) return null;
  try {
    const c = ComparabilitySchema.safeParse((JSON.parse(readFileSync(file, 'utf8')) as { comparability?: unknown }).comparability);
    return c.success ? c.data.prompts_sha256 : null;
  } catch {
    return null;
  }
}
