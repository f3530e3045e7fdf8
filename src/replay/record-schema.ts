import { z, type ZodType, type ZodTypeDef } from 'zod';
import { EpisodeRecordSchema, episodeShape, feedbackShape, status, tests, turnShape } from '../episode/record-schema.js';
import { versionField } from '../run/format.js';
import type { StaticEpisodeRecord, StaticTurnRecord, TurnInput } from './types.js';

// Schemas of run-bench's static records and of the summaries compare-runs reads.

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
