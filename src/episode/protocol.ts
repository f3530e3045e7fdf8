import type { Setting } from './settings.js';

/** The protocols an episode can follow: the leaderboard's (quirks included) or our corrected one. */
export const PROTOCOL_NAMES = ['convcodeworld', 'clean'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export const DEFAULT_PROTOCOL: ProtocolName = 'convcodeworld';

/**
 * A protocol profile: every rule on which the two protocols differ, in one place. Code asks the
 * profile (`profile.partialTests`, ...), never the protocol's name; docs/protocol.md lists each
 * rule with its file and test.
 */
export interface ProtocolProfile {
  name: ProtocolName;
  /**
   * bigcodebench: BigCodeBench's generation (its prompt per model kind, 1280 new tokens, its
   * sanitizer) and only turn 0 judged calibrated. plain: our prompt, the refinement extraction,
   * every version judged calibrated.
   */
  turn0: 'bigcodebench' | 'plain';
  /**
   * Partial tests: `visit` is the original's method extractor (every function definition met
   * visiting each class recursively, setUp and helpers included); `source` the test methods of
   * TestCases in source order.
   */
  partialTests: 'visit' | 'source';
  /** Under partial tests a module-level crash (no per-test result) reads as "Passed all test runs". */
  partialHidesModuleCrash: boolean;
  /** Execution feedback without a user: the original's generic "return the final code" refine wording. */
  genericExecRefine: boolean;
  /** After an in-turn compile fix, the execution feedback still describes the code the turn started from. */
  execFeedbackOfTurnStart: boolean;
  /** An answer whose code block is empty keeps the cut text as code (it then fails to compile) instead of an extraction error. */
  emptyBlockKeepsText: boolean;
  /** The task's import header is prepended to the code every turn, also when no call changed it. */
  headerEveryTurn: boolean;
  /** MRR and recall over all tasks of the run: an errored episode counts as unsolved (else it is left out). */
  erroredScored: boolean;
  /** Replays read the execution feedback from the reference log; only compilation feedback is recomputed. */
  replayExecFromLog: boolean;
  /** Refinement and simulator prompts: DSPy ChainOfThought's layout (signature) or our templates (plain). */
  prompts: 'signature' | 'plain';
  /** The simulated user a real coder gets by default (`userModel: auto`): a pinned snapshot, not a floating alias. */
  simulator: string;
}

/** The two profiles. `convcodeworld` is the original's code as it runs; `clean` corrects its quirks. */
export const PROFILES: Record<ProtocolName, ProtocolProfile> = {
  convcodeworld: {
    name: 'convcodeworld', turn0: 'bigcodebench', partialTests: 'visit', partialHidesModuleCrash: true, genericExecRefine: true,
    execFeedbackOfTurnStart: true, emptyBlockKeepsText: true, headerEveryTurn: true, erroredScored: true, replayExecFromLog: true,
    prompts: 'signature',
    simulator: 'openai:gpt-4o-2024-05-13',
  },
  clean: {
    name: 'clean', turn0: 'plain', partialTests: 'source', partialHidesModuleCrash: false, genericExecRefine: false,
    execFeedbackOfTurnStart: false, emptyBlockKeepsText: false, headerEveryTurn: false, erroredScored: false, replayExecFromLog: false,
    prompts: 'plain',
    simulator: 'openai:gpt-4o-2024-05-13',
  },
};

export function profileOf(name: ProtocolName): ProtocolProfile {
  return PROFILES[name];
}

/** How turn 0 was prompted: BigCodeBench's chat (direct) or vLLM (prefilled fence) prompt, ours, or a samples file. */
export type Turn0Prompt = 'bigcodebench-chat' | 'bigcodebench-vllm' | 'plain' | 'samples';

/** How an episode is run: a profile plus the run's own parameters. */
export interface ProtocolOptions {
  profile: ProtocolProfile;
  setting: Setting;
  /** Refinement turns after turn 0. */
  maxTurns: number;
  /** none: problem + previous code + this turn's feedback only (the original); full: whole chat. */
  history: 'none' | 'full';
  /** Coder calls per turn, compile fixes and the refinement together (the original's max_iters). */
  maxCallsPerTurn: number;
  /** Whole-suite time limit per judgment. */
  timeoutS: number;
  leakThreshold: number;
  /** The coder is a `vllm:` model: BigCodeBench's turn 0 prefills the answer with a code fence. */
  coderKind: 'chat' | 'vllm';
}

/** New tokens for BigCodeBench's own turn-0 generation. */
export const BIGCODEBENCH_MAX_TOKENS = 1280;

/** Whether version `turn` is judged in BigCodeBench's calibrated form. */
export function calibrated(o: Pick<ProtocolOptions, 'profile'>, turn: number): boolean {
  return o.profile.turn0 === 'plain' || turn === 0;
}

/** The turn-0 prompt a run uses, from its profile, its coder and whether a samples file gives turn 0. */
export function turn0PromptOf(profile: ProtocolProfile, coderKind: 'chat' | 'vllm', samples: boolean): Turn0Prompt {
  if (samples) return 'samples';
  if (profile.turn0 === 'plain') return 'plain';
  return coderKind === 'vllm' ? 'bigcodebench-vllm' : 'bigcodebench-chat';
}

/** A `vllm:` coder gets BigCodeBench's vLLM turn-0 prompt; every other model its chat prompt. */
export function coderKindOf(modelSpec: string): 'chat' | 'vllm' {
  return modelSpec.startsWith('vllm:') ? 'vllm' : 'chat';
}
