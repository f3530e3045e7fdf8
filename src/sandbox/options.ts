import { z } from 'zod';
import { defaultSlots } from './slots.js';

/** Where code runs, for every command that executes code (the --sandbox, --parallel, ... options). */
export const SandboxOptionsSchema = z.object({
  sandbox: z.enum(['docker', 'local', 'queue']).default('docker'),
  /** Warm slots judging at once: 2 per core (with the queue: judgments in flight). */
  parallel: z.number().int().positive().default(() => defaultSlots()),
  memoryMb: z.number().int().positive().optional(),
  image: z.string().min(1).optional(),
  queue: z.string().optional(),
});
export type SandboxOptions = z.output<typeof SandboxOptionsSchema>;
