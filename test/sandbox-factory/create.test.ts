import { afterAll, describe, expect, it } from 'vitest';
import { RepoSandbox } from '../../src/repo/sandbox.js';
import { createSandbox } from '../../src/sandbox-factory/create.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { sandboxSpec, SandboxOptionsSchema } from '../../src/sandbox/options.js';
import { QueueSandbox } from '../../src/sandbox/queue/index.js';
import { defaultSlots } from '../../src/sandbox/slots.js';
import { UserError } from '../../src/util/errors.js';

// Nothing listens on these: construction must not reach for Docker or Redis.
const NO_REDIS = 'redis://127.0.0.1:1/0';
const socket = process.env.DOCKER_SOCKET;
process.env.DOCKER_SOCKET = '/nonexistent/docker.sock';
afterAll(() => { if (socket === undefined) delete process.env.DOCKER_SOCKET; else process.env.DOCKER_SOCKET = socket; });

describe('createSandbox builds every kind from one spec, construction only', () => {
  it('queue and repo give their classes without contacting Redis or Docker', () => {
    const q = createSandbox({ kind: 'queue', url: NO_REDIS, source: 'sandbox.queue', image: 'local' });
    expect(q).toBeInstanceOf(QueueSandbox);
    expect(q.url.display).toBe(NO_REDIS);
    const r = createSandbox({ kind: 'repo', parallel: 2, image: 'codeconv-django:test' });
    expect(r).toBeInstanceOf(RepoSandbox);
    expect(r.image).toBe('codeconv-django:test');
  });

  it('docker and local too, with the same default slots as every command', () => {
    expect(createSandbox({ kind: 'docker', memoryMb: 512 })).toBeInstanceOf(DockerSandbox);
    expect(createSandbox({ kind: 'local', parallel: 1 })).toBeInstanceOf(LocalSandbox);
    expect(SandboxOptionsSchema.parse({}).parallel).toBe(defaultSlots());
  });

  it('an unknown kind or a key the kind does not take is a one-line user error', () => {
    const bad = (spec: unknown) => () => createSandbox(spec as never);
    expect(bad({ kind: 'vm' })).toThrow(UserError);
    expect(bad({ kind: 'vm' })).toThrow(/^sandbox: key "kind": Invalid discriminator value\. Expected 'docker' \| 'local' \| 'queue' \| 'repo'$/);
    expect(bad({ kind: 'local', image: 'x' })).toThrow(/^sandbox: key "image": Unrecognized key/);
    expect(bad({ kind: 'queue' })).toThrow(/^sandbox: key "url": Required$/);
  });

  it('the command-line options map onto the spec, with the messages the flags always gave', () => {
    const o = (x: Record<string, unknown>) => SandboxOptionsSchema.parse(x);
    expect(sandboxSpec(o({ sandbox: 'queue', queue: NO_REDIS }))).toMatchObject({ kind: 'queue', url: NO_REDIS, source: '--queue' });
    expect(sandboxSpec(o({ sandbox: 'local', parallel: 3, image: 'ignored' }), { preload: 'numpy' })).toEqual({ kind: 'local', parallel: 3, preload: 'numpy' });
    expect(() => sandboxSpec(o({ sandbox: 'queue' }))).toThrow(/^--sandbox queue needs --queue redis:\/\/host:port$/);
    expect(() => sandboxSpec(o({ queue: NO_REDIS }))).toThrow(/^--queue is only used with --sandbox queue$/);
  });
});
