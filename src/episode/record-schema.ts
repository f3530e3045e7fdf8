import { z, type ZodType, type ZodTypeDef } from 'zod';
import type { EpisodeRecord, TurnRoleUsage, TurnRecord } from './record.js';
import { versionField } from '../run/format.js';

// Schemas of the episodes.jsonl records; typed against the record interfaces so the two cannot drift.
// Objects pass unknown keys through: a field added by a newer writer of the same version survives a read.

export const status = z.enum(['pass', 'fail', 'timeout']);
export const tests = z.record(z.string(), z.enum(['pass', 'fail']));

const RoleUsageSchema: ZodType<TurnRoleUsage, ZodTypeDef, unknown> = z.object({
  calls: z.number(), input_tokens: z.number(), output_tokens: z.number(), cached_calls: z.number(), latency_ms: z.number(), served: z.array(z.string()).optional(),
}).passthrough();

export const feedbackShape = {
  compilation: z.string().optional(),
  execution: z.string().optional(),
  executionCoverage: z.enum(['partial', 'full']).optional(),
  user: z.string().optional(),
  userRaw: z.string().optional(),
  leakScore: z.number().optional(),
  leakFlagged: z.boolean().optional(),
};

export const turnShape = {
  turn: z.number().int().min(0),
  code: z.string(),
  status,
  copied: z.boolean().optional(),
  unchanged: z.boolean().optional(),
  raw: z.string().optional(),
  fenced: z.boolean().optional(),
  syntaxFixes: z.number().optional(),
  compilation: z.object({ ok: z.boolean(), text: z.string() }).passthrough().optional(),
  tests: tests.optional(),
  partialTests: z.array(z.string()).optional(),
  details: z.record(z.string(), z.string()).optional(),
  durationMs: z.number().optional(),
  usage: z.object({ coder: RoleUsageSchema.optional(), user: RoleUsageSchema.optional() }).passthrough().optional(),
};

const TurnSchema: ZodType<TurnRecord, ZodTypeDef, unknown> = z.object({ ...turnShape, feedback: z.object(feedbackShape).passthrough().optional() }).passthrough();

export const episodeShape = {
  version: versionField,
  task_id: z.string(),
  setting: z.string(),
  model: z.string(),
  user_model: z.string().nullable(),
  synthetic: z.boolean(),
  solved_at: z.number().int().nullable(),
  error: z.string().optional(),
};

export const EpisodeRecordSchema: ZodType<EpisodeRecord & { version?: number }, ZodTypeDef, unknown> = z.object({ ...episodeShape, turns: z.array(TurnSchema) }).passthrough();

