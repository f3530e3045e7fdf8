import { z } from 'zod';
import type { EpisodeRecord, TurnRecord } from '../episode/record.js';
import { PROTOCOL_NAMES } from '../episode/protocol.js';

/** Name and version written at the top of every frozen reference file. */
export const REFERENCE_FORMAT = 'codeconv-convcodebench-reference';
export const REFERENCE_VERSION = 2;
/** Version 1 recorded `compat` (none | convcodeworld) where version 2 names the protocol. */
export const REFERENCE_VERSIONS_READ = [1, 2];

/** ConvCodeBench replays only the settings with user feedback, CF_SNF excepted (as the original). */
export const STATIC_SETTINGS = ['CF_EF_UNIT_SNF', 'CF_EF_FULL_SNF', 'CF_SEF', 'CF_EF_UNIT_SEF', 'CF_EF_FULL_SEF'] as const;
export type StaticSetting = (typeof STATIC_SETTINGS)[number];

/**
 * One code version of the reference model and what it received about it. Version k's feedback is
 * what the reference was shown at turn k+1 (so it is absent after a pass and on the last version).
 */
export const ReferenceTurnSchema = z
  .object({
    turn: z.number().int().min(0),
    code: z.string(),
    /** Frozen full-test label of this version. */
    passed: z.boolean(),
    compilation_feedback: z.string().optional(),
    execution_feedback: z.string().optional(),
    /** Replayed user (verbal) feedback; null when the simulated user said nothing (a silent novice). */
    user_feedback: z.string().nullable().optional(),
  })
  .strict();
export type ReferenceTurn = z.infer<typeof ReferenceTurnSchema>;

export const ReferenceTaskSchema = z
  .object({
    task_id: z.string(),
    turns: z.array(ReferenceTurnSchema),
    /** The reference episode ended in an error; its turns stop early. */
    error: z.string().optional(),
  })
  .strict();
export type ReferenceTask = z.infer<typeof ReferenceTaskSchema>;

export const ReferenceSchema = z
  .object({
    reference_model: z.string(),
    /** Simulator whose feedback is replayed. */
    user_model: z.string().nullable(),
    source: z.object({ kind: z.enum(['run-world', 'convcodebench-parquet', 'convcodebench-json']), name: z.string() }).strict(),
    /** Dataset the reference was recorded on: file name and sha256 of its bytes (null when unknown). */
    dataset: z.object({ name: z.string(), sha256: z.string().nullable() }).strict(),
    /** Refinement turns the reference ran (code versions 0..max_turns). */
    max_turns: z.number().int().min(0),
    /** The protocol the reference ran under; a replay follows it. Published ConvCodeBench logs: convcodeworld. */
    protocol: z.enum(PROTOCOL_NAMES),
    /** sha256 of the prompt templates the reference's run used (null for imported logs). */
    prompts_sha256: z.string().nullable(),
    timeout_s: z.number().positive(),
    synthetic: z.boolean(),
    settings: z.record(z.string(), z.object({ tasks: z.array(ReferenceTaskSchema) }).strict()),
  })
  .strict();
export type Reference = z.infer<typeof ReferenceSchema>;

export interface ReferenceFile {
  format: typeof REFERENCE_FORMAT;
  version: number;
  /** sha256 of the canonical JSON of `payload`. */
  content_sha256: string;
  payload: Reference;
}

/** A reference ready for replay, with where it came from and its content hash. */
export interface LoadedReference {
  reference: Reference;
  sha256: string;
  file: string;
  /** Dataset path recorded by a run directory, when there is one. */
  datasetPath?: string;
}

/** Where the code a static turn refined came from, and how it fared (before). */
export interface TurnInput {
  from: 'reference';
  turn: number;
  code: string;
  /** Full-test status of that code as judged now. */
  status: 'pass' | 'fail' | 'timeout';
  /** Label frozen in the reference log. */
  logged_passed: boolean;
  tests?: Record<string, 'pass' | 'fail'>;
}

export type StaticTurnRecord = TurnRecord & { input?: TurnInput };

export interface StaticEpisodeRecord extends Omit<EpisodeRecord, 'turns'> {
  mode: 'static';
  reference_model: string;
  /** Frozen pass labels of the reference's versions 0..T-1 (what static scoring needs). */
  reference_pass: boolean[];
  turns: StaticTurnRecord[];
}
