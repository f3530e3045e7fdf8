import type { Setting } from './settings.js';

/** How an episode is run: the original's protocol by default, its quirks under compat. */
export interface ProtocolOptions {
  setting: Setting;
  /** Refinement turns after turn 0. */
  maxTurns: number;
  /** none: problem + previous code + this turn's feedback only (the original); full: whole chat. */
  history: 'none' | 'full';
  /** Reproduce the original's quirks (compat: convcodeworld). */
  compat: boolean;
  /** Coder calls per turn, compile fixes and the refinement together (the original's max_iters). */
  maxCallsPerTurn: number;
  /** Whole-suite time limit per judgment. */
  timeoutS: number;
  leakThreshold: number;
  /**
   * plain: our instruct prompt, every version judged calibrated. bigcodebench: BigCodeBench's
   * instruct prompt, 1280 new tokens and its sanitizer; only turn 0 is judged calibrated.
   */
  turn0: 'plain' | 'bigcodebench';
}

/** New tokens for BigCodeBench's own turn-0 generation. */
export const BIGCODEBENCH_MAX_TOKENS = 1280;

/** Whether version `turn` is judged in BigCodeBench's calibrated form. */
export function calibrated(o: Pick<ProtocolOptions, 'turn0'>, turn: number): boolean {
  return o.turn0 === 'plain' || turn === 0;
}
