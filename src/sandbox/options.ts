import { z } from 'zod';
import type { FlagTable } from '../config/flags.js';
import { LOCAL_SANDBOX_WARNING } from './local.js';
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

/** The sandbox flags of every command that executes code, declared once. */
export const SANDBOX_FLAGS: FlagTable<typeof SandboxOptionsSchema.shape> = {
  sandbox: { flag: '--sandbox <kind>', description: `where code runs: docker (isolated containers), local (${LOCAL_SANDBOX_WARNING}), or queue (jobs on a Redis queue judged by run-worker processes, see docs/queue.md)` },
  queue: { flag: '--queue <url>', description: 'with --sandbox queue: the Redis queue, redis://[:password@]host:port[/db] or rediss://... (TLS)' },
  parallel: { flag: '--parallel <n>', description: 'warm sandbox slots judging at once (2 per core; with --sandbox queue: judgments in flight)' },
  memoryMb: { flag: '--memory-mb <n>', description: 'memory limit per container in MB' },
  image: { flag: '--image <tag>', description: 'sandbox image (default: the tag built from envs/bigcodebench); with --sandbox queue, the image workers must have ("local": workers with --sandbox local)' },
};
