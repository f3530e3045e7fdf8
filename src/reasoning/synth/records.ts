import { z } from 'zod';
import type { FlagTable } from '../../config/flags.js';

/** Version of the rows this pipeline writes; every row carries it as `synth_format`. */
export const SYNTH_FORMAT = 1;

export const STAGES = ['inputs', 'execute', 'filter', 'build'] as const;
export type Stage = (typeof STAGES)[number];

/** The file each stage writes under --out (the build stage's is the final samples file). */
export const STAGE_FILES: Record<Stage, string> = {
  inputs: 'inputs.jsonl',
  execute: 'executed.jsonl',
  filter: 'filtered.jsonl',
  build: 'samples.jsonl',
};

/** Execution settings (per call, not per script; see docs/case2code-synth.md). */
export const ExecLimitsSchema = z.object({
  callTimeoutS: z.number().positive().default(1),
  memoryMb: z.number().int().positive().default(512),
  maxOutputChars: z.number().int().positive().default(1000),
  /** Fewer kept inputs than this and the row is dropped. */
  minCases: z.number().int().positive().default(3),
});
export type ExecLimits = z.infer<typeof ExecLimitsSchema>;

/** The `run-reasoning synth` flags of the execution settings (they sit under `limits` in its options). */
export const EXEC_LIMITS_FLAGS: FlagTable<typeof ExecLimitsSchema.shape> = {
  callTimeoutS: { flag: '--call-timeout <s>', description: 'time limit per function call, seconds' },
  memoryMb: { flag: '--exec-memory-mb <n>', description: 'address-space cap of each execution child, MB' },
  maxOutputChars: { flag: '--max-output-chars <n>', description: 'longest output record kept' },
  minCases: { flag: '--min-cases <n>', description: 'fewest kept cases for a row to pass the filter' },
};

/** Raw input row, as the original's sample_raw_data.jsonl. */
export const RawRowSchema = z
  .object({ id: z.string().min(1), content: z.string().min(1), import_code: z.array(z.string()).default([]) })
  .passthrough();
export type RawRow = z.infer<typeof RawRowSchema>;

/** Output of the inputs stage (the original's write_testcase rows). */
export const InputsRowSchema = z
  .object({
    prompt: z.string(),
    gen_answer_id: z.string(),
    completions: z.string(),
    num_gen_tokens: z.number(),
    task: z.string(),
    data: RawRowSchema,
    check_result: z.boolean(),
    retry_time: z.number().int(),
    example_str: z.string(),
  })
  .passthrough();
export type InputsRow = z.infer<typeof InputsRowSchema>;

/** Why the execute stage gave up on a row, plus per-input drops (our additions to the original's row). */
export const ExecNoteSchema = z.object({
  reason: z.string().nullable(),
  detail: z.string().optional(),
  dropped_inputs: z.record(z.number()).default({}),
  rewritten: z.boolean().default(false),
});
export type ExecNote = z.infer<typeof ExecNoteSchema>;

export const ExecutedRowSchema = InputsRowSchema.extend({
  code: z.string(),
  func_name: z.string(),
  exec_raw_output: z.string(),
  exec_status: z.boolean(),
  parsed_inputs: z.array(z.array(z.tuple([z.string(), z.string()]))).nullable().optional(),
  synth_exec: ExecNoteSchema.optional(),
});
export type ExecutedRow = z.infer<typeof ExecutedRowSchema>;

export const ExampleOutputSchema = z.union([z.object({ return: z.string() }), z.object({ error: z.string() })]);
export type ExampleOutput = z.infer<typeof ExampleOutputSchema>;

export const FilteredRowSchema = ExecutedRowSchema.omit({ exec_raw_output: true }).extend({
  example_inputs: z.array(z.string()),
  example_outputs: z.array(ExampleOutputSchema),
});
export type FilteredRow = z.infer<typeof FilteredRowSchema>;

/** Counts a stage reports: rows in, rows kept, rows dropped per reason, inputs dropped per reason. */
export interface StageCounts {
  in: number;
  kept: number;
  dropped: Record<string, number>;
  droppedInputs?: Record<string, number>;
  resumed?: number;
  seconds: number;
}

export function bump(m: Record<string, number>, key: string, by = 1): void {
  m[key] = (m[key] ?? 0) + by;
}
