import type { Command } from 'commander';
import type { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { createSandbox, type Sandbox } from '../sandbox/index.js';
import { coordinatorEnv, QueueSandbox } from '../sandbox/queue/index.js';
import { SANDBOX_FLAGS, SandboxOptionsSchema, type SandboxOptions } from '../sandbox/options.js';
import { setProgressStatus } from '../report/progress.js';
import { UserError } from '../util/errors.js';
import { addFlags } from './flags.js';

export type SandboxCliOptions = z.input<typeof SandboxOptionsSchema>;

/** Help text of --sandbox and --queue, for run-world's own option list. */
export const SANDBOX_HELP = SANDBOX_FLAGS.sandbox!.description;
export const QUEUE_HELP = SANDBOX_FLAGS.queue!.description;

/** Adds the sandbox options shared by every command that executes code. */
export function addSandboxOptions(cmd: Command): Command {
  return addFlags(cmd, SandboxOptionsSchema, SANDBOX_FLAGS);
}

/** The sandbox options with their defaults (SandboxOptionsSchema). */
export function sandboxOptions(o: SandboxCliOptions): SandboxOptions {
  return parseOptions(SandboxOptionsSchema, o);
}

/** `preload`: modules the warm judges import once (default: each backend's own list). */
export function sandboxFromCli(input: SandboxCliOptions, preload?: string): Sandbox {
  const o = sandboxOptions(input);
  if (o.sandbox === 'queue' || o.queue !== undefined) return queueSandbox(o.sandbox, o.queue, o.image, '--queue', o.memoryMb);
  const pre = preload === undefined ? {} : { preload };
  return createSandbox({ kind: o.sandbox, parallel: o.parallel, docker: { memoryMb: o.memoryMb, image: o.image, ...pre }, local: pre });
}

/** The queue sandbox from --sandbox/--queue (or the config's sandbox.kind/sandbox.queue, named by `source`). */
export function queueSandbox(kind: string, url: string | undefined, image?: string, source = '--queue', memoryMb?: number): QueueSandbox {
  if (kind !== 'queue') throw new UserError('BAD_OPTION', `${source} is only used with --sandbox queue`);
  if (!url) throw new UserError('MISSING_OPTION', '--sandbox queue needs --queue redis://host:port');
  const sb = new QueueSandbox({ url, source, env: coordinatorEnv(image, { memoryMb }) });
  setProgressStatus(() => sb.status());
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
