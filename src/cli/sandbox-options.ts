import { Option, type Command } from 'commander';
import { createSandbox, LOCAL_SANDBOX_WARNING, type Sandbox } from '../sandbox/index.js';
import { UserError } from '../util/errors.js';

export interface SandboxCliOptions {
  sandbox: 'docker' | 'local';
  parallel: number;
  memoryMb?: number;
  image?: string;
}

/** Adds the sandbox options shared by every command that executes code. */
export function addSandboxOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--sandbox <kind>', `where code runs: docker (isolated containers) or local (${LOCAL_SANDBOX_WARNING})`).choices(['docker', 'local']).default('docker'))
    .option('--parallel <n>', 'warm sandbox slots judging at once', positiveInt('--parallel'), 2)
    .option('--memory-mb <n>', 'memory limit per container in MB', positiveInt('--memory-mb'))
    .option('--image <tag>', 'sandbox image (default: the tag built from envs/bigcodebench)');
}

/** `preload`: modules the warm judges import once (default: each backend's own list). */
export function sandboxFromCli(o: SandboxCliOptions, preload?: string): Sandbox {
  const pre = preload === undefined ? {} : { preload };
  return createSandbox({ kind: o.sandbox, parallel: o.parallel, docker: { memoryMb: o.memoryMb, image: o.image, ...pre }, local: pre });
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
