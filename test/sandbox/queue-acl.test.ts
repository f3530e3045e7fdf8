import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorEnv, QueueSandbox } from '../../src/sandbox/queue/index.js';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, type WorkerProc } from './queue-helpers.js';

/** The ACL users docs/queue.md gives: workers write results, coordinators read them and queue jobs. */
const ACL = {
  worker: ['on', '>wpw', 'resetkeys', '~codeconv:*', 'resetchannels', '&*', '+@all', '-@dangerous', '+info', '+client|setname'],
  coordinator: ['on', '>cpw', 'resetkeys', '~codeconv:judge-*', '%R~codeconv:exec:*', '%R~codeconv:worker:*', 'resetchannels', '&*', '+@all', '-@dangerous', '+info', '+client|setname'],
};

describe.skipIf(!hasRedis)('queue with Redis ACL users per role', () => {
  const redis = new TestRedis();
  let worker: WorkerProc;
  const url = (user: string, pw: string): string => `redis://${user}:${pw}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    await redis.start();
    expect(redis.cli('ACL', 'SETUSER', 'worker', ...ACL.worker)).toBe('OK');
    expect(redis.cli('ACL', 'SETUSER', 'coordinator', ...ACL.coordinator)).toBe('OK');
    worker = await startWorker(['--queue', url('worker', 'wpw'), '--sandbox', 'local', '--parallel', '2']);
  }, 60_000);
  afterAll(async () => {
    await stopWorker(worker);
    await redis.dispose();
  });

  it('a coordinator with the read-only cache role runs jobs, and cannot plant a verdict', async () => {
    const sb = new QueueSandbox({ url: url('coordinator', 'cpw'), env: coordinatorEnv('local'), notice: () => undefined });
    const cases = solutions('acl').slice(0, 4);
    const got = await Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: 3 })));
    expect(got.map((r) => r.status)).toEqual(cases.map((c) => c.expect));
    await sb.close();
    const r = new Redis(url('coordinator', 'cpw'));
    await expect(r.set('codeconv:exec:planted', '{}')).rejects.toThrow(/NOPERM/);
    await expect(r.flushall()).rejects.toThrow(/NOPERM/);
    await r.quit();
  }, 60_000);
});
