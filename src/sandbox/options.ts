import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { DockerSpecSchema, type JudgeSpec } from './spec.js';

/** Where code runs, for every command that executes code (the --sandbox, --parallel, ... options). */
export const SandboxOptionsSchema = z.object({
  sandbox: z.enum(['docker', 'local', 'queue']).default('docker'),
  parallel: DockerSpecSchema.shape.parallel,
  memoryMb: DockerSpecSchema.shape.memoryMb,
  image: DockerSpecSchema.shape.image,
  queue: z.string().optional(),
});
export type SandboxOptions = z.output<typeof SandboxOptionsSchema>;

/**
 * The spec (src/sandbox/spec.ts) the sandbox options name. `source` names where the queue URL came
 * from in errors (--queue, or a config key); `preload`: modules the warm judges import once.
 */
export function sandboxSpec(o: SandboxOptions, extra: { preload?: string; source?: string } = {}): JudgeSpec {
  const source = extra.source ?? '--queue';
  if (o.sandbox === 'queue' || o.queue !== undefined) {
    if (o.sandbox !== 'queue') throw new UserError('BAD_OPTION', `${source} is only used with --sandbox queue`);
    if (!o.queue) throw new UserError('MISSING_OPTION', '--sandbox queue needs --queue redis://host:port');
    return { kind: 'queue', url: o.queue, source, image: o.image, memoryMb: o.memoryMb };
  }
  const pre = extra.preload === undefined ? {} : { preload: extra.preload };
  if (o.sandbox === 'local') return { kind: 'local', parallel: o.parallel, ...pre };
  return { kind: 'docker', parallel: o.parallel, image: o.image, memoryMb: o.memoryMb, ...pre };
}
