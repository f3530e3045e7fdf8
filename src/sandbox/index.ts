import { DockerSandbox, type DockerSandboxOptions } from './docker.js';
import { LocalSandbox, type LocalSandboxOptions } from './local.js';
import type { Sandbox } from './types.js';

export type SandboxKind = 'docker' | 'local';

export interface SandboxOptions {
  kind: SandboxKind;
  parallel: number;
  docker?: Omit<DockerSandboxOptions, 'parallel'>;
  local?: Omit<LocalSandboxOptions, 'parallel'>;
}

export function createSandbox(opts: SandboxOptions): Sandbox {
  return opts.kind === 'docker'
    ? new DockerSandbox({ parallel: opts.parallel, ...opts.docker })
    : new LocalSandbox({ parallel: opts.parallel, ...opts.local });
}

export * from './types.js';
export { DockerSandbox, listSandboxContainers, removeLeftovers } from './docker.js';
export { LocalSandbox, LOCAL_SANDBOX_WARNING } from './local.js';
export { calibratedSolution } from './program.js';
