import { RepoSandbox } from '../repo/sandbox.js';
import { DockerSandbox } from '../sandbox/docker.js';
import { LocalSandbox } from '../sandbox/local.js';
import { coordinatorEnv, QueueSandbox } from '../sandbox/queue/index.js';
import { SandboxSpecSchema, type SandboxSpec } from '../sandbox/spec.js';
import { parseOptions } from '../util/options.js';

/** The class each kind builds. */
export interface SandboxByKind { docker: DockerSandbox; local: LocalSandbox; queue: QueueSandbox; repo: RepoSandbox }

/**
 * Builds the sandbox a spec names, for every command and the worker. Construction only: nothing is
 * started and no engine or Redis is contacted until the sandbox is used. A bad spec is one line.
 */
export function createSandbox<S extends SandboxSpec>(input: S): SandboxByKind[S['kind']];
export function createSandbox(input: SandboxSpec): SandboxByKind[keyof SandboxByKind] {
  const spec = parseOptions(SandboxSpecSchema, input, 'sandbox');
  switch (spec.kind) {
    case 'docker': return new DockerSandbox(spec);
    case 'local': return new LocalSandbox(spec);
    case 'repo': return new RepoSandbox(spec);
    case 'queue':
      return new QueueSandbox({
        url: spec.url, env: coordinatorEnv(spec.image, { memoryMb: spec.memoryMb }),
        ...(spec.source ? { source: spec.source } : {}), ...(spec.lostAfterMs ? { lostAfterMs: spec.lostAfterMs } : {}),
      });
  }
}
