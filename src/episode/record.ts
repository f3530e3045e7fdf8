import type { ExecStatus } from '../sandbox/types.js';

export interface RoleUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_calls: number;
  latency_ms: number;
}

/** One code version: the feedback that led to it (none at turn 0) and how it fared. */
export interface TurnRecord {
  turn: number;
  code: string;
  /** pass / fail / timeout of the full hidden tests on this code. */
  status: ExecStatus;
  /** This version is the solved code carried forward with no model call. */
  copied?: boolean;
  /** The novice had nothing to say, so the code stayed as it was with no model call. */
  unchanged?: boolean;
  raw?: string;
  /** Whether the answer had a fenced code block (else the raw text was used as code). */
  fenced?: boolean;
  syntaxFixes?: number;
  feedback?: {
    compilation?: string;
    execution?: string;
    executionCoverage?: 'partial' | 'full';
    user?: string;
    userRaw?: string;
    leakScore?: number;
    leakFlagged?: boolean;
  };
  compilation?: { ok: boolean; text: string };
  /** Per-test outcome of the full suite: method -> pass | fail, plus ALL for module errors. */
  tests?: Record<string, 'pass' | 'fail'>;
  partialTests?: string[];
  details?: Record<string, string>;
  durationMs?: number;
  usage?: { coder?: RoleUsage; user?: RoleUsage };
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
