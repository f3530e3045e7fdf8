import { z, type ZodType, type ZodTypeDef } from 'zod';
import type { EpisodeRecord, TurnRoleUsage, TurnRecord } from '../episode/record.js';
import type { StaticEpisodeRecord, StaticTurnRecord, TurnInput } from '../replay/types.js';
import { versionField } from './format.js';

// Schemas of the episodes.jsonl records; typed against the record interfaces so the two cannot drift.
// Objects pass unknown keys through: a field added by a newer writer of the same version survives a read.

const status = z.enum(['pass', 'fail', 'timeout']);
const tests = z.record(z.string(), z.enum(['pass', 'fail']));

const RoleUsageSchema: ZodType<TurnRoleUsage, ZodTypeDef, unknown> = z.object({
  calls: z.number(), input_tokens: z.number(), output_tokens: z.number(), cached_calls: z.number(), latency_ms: z.number(),
}).passthrough();

const feedbackShape = {
  compilation: z.string().optional(),
  execution: z.string().optional(),
  executionCoverage: z.enum(['partial', 'full']).optional(),
  user: z.string().optional(),
  userRaw: z.string().optional(),
  leakScore: z.number().optional(),
  leakFlagged: z.boolean().optional(),
};

const turnShape = {
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

const episodeShape = {
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

const TurnInputSchema: ZodType<TurnInput, ZodTypeDef, unknown> = z.object({
  from: z.literal('reference'), turn: z.number().int(), code: z.string(), status, logged_passed: z.boolean(), tests: tests.optional(),
}).passthrough();

const StaticTurnSchema: ZodType<StaticTurnRecord, ZodTypeDef, unknown> = z.object({
  ...turnShape,
  feedback: z.object({ ...feedbackShape, replayed: z.boolean().optional(), drift: z.array(z.string()).optional() }).passthrough().optional(),
  input: TurnInputSchema.optional(),
}).passthrough();

export const StaticEpisodeRecordSchema: ZodType<StaticEpisodeRecord & { version?: number }, ZodTypeDef, unknown> = z.object({
  ...episodeShape, mode: z.literal('static'), reference_model: z.string(), reference_pass: z.array(z.boolean()), turns: z.array(StaticTurnSchema),
}).passthrough();

/** A live or a static record: compare-runs reads both. */
export const AnyEpisodeRecordSchema = z.union([StaticEpisodeRecordSchema, EpisodeRecordSchema]);

const usageCounts = z.object({ calls: z.number().optional(), input_tokens: z.number().optional(), output_tokens: z.number().optional() }).passthrough();

/** The fields of a run-world / run-bench summary.json that readers use. */
export const RunSummarySchema = z.object({
  version: versionField,
  mode: z.enum(['live', 'static']).optional(),
  model: z.string(),
  setting: z.string(),
  max_turns: z.number().int().min(0),
  synthetic: z.boolean().optional(),
  n_errors: z.number().int().optional(),
  reference_model: z.string().optional(),
  compensate_init: z.boolean().optional(),
  usage: z.object({ coder: usageCounts.optional(), user: usageCounts.optional() }).passthrough().optional(),
}).passthrough();
export type RunSummaryFile = z.infer<typeof RunSummarySchema>;
