import type { Command } from 'commander';
import type { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { createSandbox, type SandboxByKind } from '../sandbox-factory/create.js';
import type { Sandbox, SandboxSpec } from '../sandbox/index.js';
import { QueueSandbox } from '../sandbox/queue/index.js';
import type { FlagTable } from '../config/flags.js';
import { LOCAL_SANDBOX_WARNING } from '../sandbox/local.js';
import { SandboxOptionsSchema, sandboxSpec, type SandboxOptions } from '../sandbox/options.js';
import { setProgressStatus } from '../report/progress.js';
import { UserError } from '../util/errors.js';
import { addFlags } from './flags.js';

export type SandboxCliOptions = z.input<typeof SandboxOptionsSchema>;

/** The sandbox flags of every command that executes code, declared once. */
export const SANDBOX_FLAGS: FlagTable<typeof SandboxOptionsSchema.shape> = {
  sandbox: { flag: '--sandbox <kind>', description: `where code runs: docker (isolated containers), local (${LOCAL_SANDBOX_WARNING}), or queue (jobs on a Redis queue judged by run-worker processes, see docs/queue.md)` },
  queue: { flag: '--queue <url>', description: 'with --sandbox queue: the Redis queue, redis://[:password@]host:port[/db] or rediss://... (TLS)' },
  parallel: { flag: '--parallel <n>', description: 'warm sandbox slots judging at once (2 per core; with --sandbox queue: judgments in flight)' },
  memoryMb: { flag: '--memory-mb <n>', description: 'memory limit per container in MB' },
  image: { flag: '--image <tag>', description: 'sandbox image (default: the tag built from envs/bigcodebench); with --sandbox queue, the image workers must have ("local": workers with --sandbox local)' },
};

/** Help text of --queue, for run-worker's own table. */
export const QUEUE_HELP = SANDBOX_FLAGS.queue!.description;

/** Adds the sandbox options of every command that executes code. */
export function addSandboxOptions(cmd: Command): Command {
  return addFlags(cmd, SandboxOptionsSchema, SANDBOX_FLAGS);
}

/** The sandbox options with their defaults (SandboxOptionsSchema). */
export function sandboxOptions(o: SandboxCliOptions): SandboxOptions {
  return parseOptions(SandboxOptionsSchema, o);
}

/** `preload`: modules the warm judges import once (default: each backend's own list). */
export function sandboxFromCli(input: SandboxCliOptions, preload?: string): Sandbox {
  return cliSandbox(sandboxSpec(sandboxOptions(input), preload === undefined ? {} : { preload }));
}

/** The sandbox a spec names, through the one factory; the queue's workers go on the progress line. */
export function cliSandbox<S extends SandboxSpec>(spec: S): SandboxByKind[S['kind']] {
  const sb = createSandbox(spec);
  if (sb instanceof QueueSandbox) setProgressStatus(() => sb.status());
  return sb;
}

export function positiveInt(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UserError('BAD_OPTION', `${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export function positiveNumber(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UserError('BAD_OPTION', `${name} must be a positive number, got "${v}"`);
    return n;
  };
}
