import { describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { coordinatorEnv, envFromId, queueName } from '../../src/sandbox/queue/index.js';
import { judgeHash } from '../../src/sandbox/paths.js';

describe('every setting that can change a verdict is in the environment id', () => {
  it('memory, CPUs, pids and /tmp size are part of a docker id, its queue and its cache keys', () => {
    const base = new DockerSandbox({ parallel: 1, image: 'img:1' }).environmentId();
    expect(base).toBe(`docker:img:1:judge-${judgeHash()}:mem4096m-cpu1-pids512-tmp1024m`);
    const small = new DockerSandbox({ parallel: 1, image: 'img:1', memoryMb: 150 }).environmentId();
    expect(small).toContain(':mem150m-');
    for (const o of [{ cpus: 2 }, { pidsLimit: 64 }, { tmpfsMb: 16 }]) {
      expect(new DockerSandbox({ parallel: 1, image: 'img:1', ...o }).environmentId()).not.toBe(base);
    }
    expect(envFromId(small)).toMatchObject({ image: 'img:1', judge: judgeHash(), limits: 'mem150m-cpu1-pids512-tmp1024m' });
    expect(queueName(envFromId(small))).not.toBe(queueName(envFromId(base)));
    // A coordinator's --memory-mb names the workers it needs.
    expect(coordinatorEnv('img:1', { memoryMb: 150 }).id).toBe(small);
  });
});
