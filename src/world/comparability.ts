import { z } from 'zod';
import { promptsHash } from '../episode/prompts.js';
import { PROTOCOL_NAMES, type ProtocolProfile, type Turn0Prompt } from '../episode/protocol.js';
import type { Setting } from '../episode/settings.js';

/**
 * What decides whether two runs' numbers can sit in one table: written into every summary, table
 * header, frozen log and report, and checked by compare-runs.
 */
export const ComparabilitySchema = z.object({
  protocol: z.enum(PROTOCOL_NAMES),
  turn0_prompt: z.enum(['bigcodebench-chat', 'bigcodebench-vllm', 'plain', 'samples']),
  timeout_s: z.number().positive(),
  max_turns: z.number().int().min(0),
  /** Simulated user whose feedback the coder saw (live: the simulator; replay: the reference's); null without one. */
  simulator: z.string().nullable(),
  /** sha256 over every prompt file the episode loop reads (names and texts): the same for every setting, so settings merge and compare. */
  prompts_sha256: z.string(),
}).strict();
export type Comparability = z.infer<typeof ComparabilitySchema>;

export const COMPARABILITY_KEYS = ['protocol', 'turn0_prompt', 'timeout_s', 'max_turns', 'simulator', 'prompts_sha256'] as const;

export function comparabilityOf(o: {
  profile: ProtocolProfile; setting: Setting; turn0: Turn0Prompt; timeoutS: number; maxTurns: number; simulator: string | null;
}): Comparability {
  return {
    protocol: o.profile.name, turn0_prompt: o.turn0, timeout_s: o.timeoutS, max_turns: o.maxTurns, simulator: o.simulator,
    prompts_sha256: promptsHash(),
  };
}

/** One line for table headers: every key that decides comparability. */
export function comparabilityLine(c: Comparability | undefined): string {
  if (!c) return 'protocol unknown (run recorded before protocols were named)';
  return `protocol ${c.protocol}  turn-0 prompt ${c.turn0_prompt}  time limit ${c.timeout_s}s  turns ${c.max_turns}  simulator ${c.simulator ?? '-'}  prompts ${c.prompts_sha256.slice(0, 12)}`;
}

/** The keys on which two runs differ (all of them when one side did not record its protocol). */
export function comparabilityDiff(a: Comparability | undefined, b: Comparability | undefined): string[] {
  if (!a && !b) return [];
  if (!a || !b) return ['protocol (unrecorded on one side)'];
  return COMPARABILITY_KEYS.filter((k) => a[k] !== b[k]);
}
