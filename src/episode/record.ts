import type { ExecStatus } from '../sandbox/types.js';

/** Calls and tokens of one role within one turn (the run-level totals are models/usage.ts RoleUsage). */
export interface TurnRoleUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_calls: number;
  latency_ms: number;
  /** Model names the endpoint reported for these calls (e.g. the snapshot behind an alias), when it reported one. */
  served?: string[];
}

/** A model call within a turn: a compile fix, the simulated user, or the refinement. */
export type TurnStep = 'generate' | 'compile-fix' | 'user' | 'refine-exec' | 'refine-user';

/** One code version: the feedback that led to it (none at turn 0) and how it fared. */
export interface TurnRecord {
  turn: number;
  code: string;
  /** pass / fail / timeout of the full hidden tests on this code. */
  status: ExecStatus;
  /** This version is the solved code carried forward with no model call. */
  copied?: boolean;
  /** The protocol had nothing to act on (or the user said nothing): the code stayed as it was, with no refinement call. */
  unchanged?: boolean;
  raw?: string;
  /** Whether the answer had a closed fenced code block (else the cut raw text was used as code). */
  fenced?: boolean;
  /** The last answer held no code after extraction: the version was judged as empty code. */
  extractError?: 'EMPTY_CODE';
  /** The model could not take this turn's prompt even with the shortest feedback (scored as the unchanged version). */
  modelFailure?: 'CONTEXT_LENGTH';
  /** The model calls of this turn in order (none when the protocol had nothing to act on). */
  steps?: TurnStep[];
  /** Turn 0 came from a BigCodeBench samples file, not from a model call. */
  fromSamples?: boolean;
  feedback?: {
    compilation?: string;
    execution?: string;
    executionCoverage?: 'partial' | 'full';
    user?: string;
    userRaw?: string;
    leakScore?: number;
    leakFlagged?: boolean;
    /** Replay: the user feedback was read from the reference log (no simulator call). */
    replayed?: boolean;
    /** Replay: feedback pieces whose recomputed text differs from the logged one. */
    drift?: string[];
  };
  compilation?: { ok: boolean; text: string };
  /** Per-test outcome of the full suite: method -> pass | fail, plus ALL for module errors. */
  tests?: Record<string, 'pass' | 'fail'>;
  partialTests?: string[];
  details?: Record<string, string>;
  durationMs?: number;
  usage?: { coder?: TurnRoleUsage; user?: TurnRoleUsage };
}

export interface EpisodeRecord {
  task_id: string;
  setting: string;
  model: string;
  user_model: string | null;
  synthetic: boolean;
  turns: TurnRecord[];
  /** First passing version, or null. */
  solved_at: number | null;
  error?: string;
}
