import { z } from 'zod';
import { createHash } from 'node:crypto';
import { template } from '../episode/prompts.js';
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
  /** sha256 over the prompt templates the protocol uses for this setting (names and texts). */
  prompts_sha256: z.string(),
}).strict();
export type Comparability = z.infer<typeof ComparabilitySchema>;

export const COMPARABILITY_KEYS = ['protocol', 'turn0_prompt', 'timeout_s', 'max_turns', 'simulator', 'prompts_sha256'] as const;

/** The prompt templates a run may use: its turn-0 prompt, the coder's refinements, the simulator's. */
export function promptTemplates(profile: ProtocolProfile, setting: Setting, turn0: Turn0Prompt): string[] {
  const names: string[] = {
    'bigcodebench-chat': ['coder-initial-bigcodebench-chat'],
    'bigcodebench-vllm': ['coder-initial-bigcodebench', 'coder-initial-bigcodebench-prefill'],
    plain: ['coder-initial'],
    samples: [],
  }[turn0];
  // A novice reports compile errors itself; every other setting gets fix calls.
  if (setting.user !== 'novice') names.push('coder-fix-compile');
  if (setting.user === 'none') {
    if (setting.exec !== 'none') names.push(profile.genericExecRefine ? 'coder-refine-exec-generic' : 'coder-refine-exec');
  } else {
    names.push('coder-refine-user', `user-${setting.user}`);
  }
  return names.sort();
}

/** sha256 over the templates' names and texts, as template() reads them. */
export function promptsSha256(names: string[]): string {
  const h = createHash('sha256');
  for (const name of [...names].sort()) h.update(`${name}\0`).update(template(name)).update('\0');
  return h.digest('hex');
}

export function comparabilityOf(o: {
  profile: ProtocolProfile; setting: Setting; turn0: Turn0Prompt; timeoutS: number; maxTurns: number; simulator: string | null;
}): Comparability {
  return {
    protocol: o.profile.name, turn0_prompt: o.turn0, timeout_s: o.timeoutS, max_turns: o.maxTurns, simulator: o.simulator,
    prompts_sha256: promptsSha256(promptTemplates(o.profile, o.setting, o.turn0)),
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
