import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorEnv, envFromId, queueName, QueueSandbox } from '../../src/sandbox/queue/index.js';
import { cacheKey, PREFIX, QUEUE_FORMAT, workKey } from '../../src/sandbox/queue/protocol.js';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, until, type WorkerProc } from './queue-helpers.js';

const TIMEOUT_S = 3;

describe.skipIf(!hasRedis)('queue under faults and hostile input: real redis-server, one run-worker', () => {
  const redis = new TestRedis();
  let worker: WorkerProc;
  const open: QueueSandbox[] = [];
  const notices: string[] = [];
  const coordinator = (): QueueSandbox => {
    const sb = new QueueSandbox({ url: redis.url, env: coordinatorEnv('local'), notice: (l) => notices.push(l) });
    open.push(sb);
    return sb;
  };

  beforeAll(async () => {
    await redis.start();
    worker = await startWorker(['--queue', redis.url, '--sandbox', 'local', '--parallel', '2', '--lock-ms', '2000']);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(open.map((s) => s.close()));
    await stopWorker(worker);
    await redis.dispose();
  });

  it('FLUSHALL mid-run: the lost jobs are noticed and queued again, every verdict arrives', async () => {
    const cases = solutions('flush', 1);
    const sb = coordinator();
    await sb.start();
    const pending = Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    await new Promise((r) => setTimeout(r, 500));
    expect(redis.cli('flushall')).toBe('OK');
    const got = await pending;
    expect(got.map((x) => x.status)).toEqual(cases.map((c) => c.expect));
    expect(sb.stats.requeued).toBeGreaterThan(0);
    expect(notices.some((l) => /jobs? w[a-z]+ missing from redis:\/\/127\.0\.0\.1:\d+\/0 .*queued again/.test(l))).toBe(true);
  }, 120_000);

  it('a restart without persistence mid-run: jobs are queued again, the run finishes', async () => {
    const cases = solutions('restart', 1);
    const sb = coordinator();
    await sb.start();
    const pending = Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    await redis.start();
    const got = await pending;
    expect(got.map((x) => x.status)).toEqual(cases.map((c) => c.expect));
    expect(sb.stats.requeued).toBeGreaterThan(0);
  }, 120_000);

  it('a planted or malformed cache entry is a miss: the code is judged, the notice names the risk', async () => {
    const env = coordinatorEnv('local');
    const cases = solutions('planted');
    const failing = cases[1]!;
    const r = new Redis(redis.url);
    const keyOf = (solution: string): string => workKey(env, { kind: 'unittest', solution, test: TEST, timeoutS: TIMEOUT_S });
    await r.set(cacheKey(keyOf(failing.solution)), JSON.stringify({ format: QUEUE_FORMAT, by: 'x', value: { status: 'weird' } }));
    await r.set(cacheKey(keyOf(cases[3]!.solution)), 'null');
    await r.set(cacheKey(keyOf(cases[5]!.solution)), '{not json');
    await r.quit();
    const sb = coordinator();
    const got = await Promise.all([1, 3, 5].map((i) => sb.runUnittest({ solution: cases[i]!.solution, test: TEST, timeoutS: TIMEOUT_S })));
    expect(got.map((x) => x.status)).toEqual(['fail', 'fail', 'fail']);
    expect(sb.stats).toMatchObject({ judgedByWorkers: 3, redisCacheHits: 0 });
    expect(sb.stats.badCacheEntries).toBeGreaterThanOrEqual(3);
    expect(notices.some((l) => l.startsWith('ignored a malformed entry in the Redis cache') && l.includes('docs/queue.md'))).toBe(true);
  }, 60_000);

  it('a timeout is judged again by the next run; a verdict is reused', async () => {
    const [pass, , , , hang] = solutions('again');
    const first = coordinator();
    expect((await first.runUnittest({ solution: hang!.solution, test: TEST, timeoutS: 1 })).status).toBe('timeout');
    expect((await first.runUnittest({ solution: pass!.solution, test: TEST, timeoutS: 1 })).status).toBe('pass');
    const second = coordinator();
    expect((await second.runUnittest({ solution: hang!.solution, test: TEST, timeoutS: 1 })).status).toBe('timeout');
    expect((await second.runUnittest({ solution: pass!.solution, test: TEST, timeoutS: 1 })).status).toBe('pass');
    expect(second.stats).toMatchObject({ judgedByWorkers: 1, redisCacheHits: 1 });
  }, 60_000);

  it('time limits have an upper bound: the coordinator refuses one, the worker fails a planted job at once', async () => {
    const sb = coordinator();
    await expect(sb.runUnittest({ solution: 'x = 1', test: TEST, timeoutS: 3_000_000 })).rejects.toThrow(/at most 3600 s, got 3000000/);
    const env = envFromId(coordinatorEnv('local').id);
    const q = new Queue(queueName(env), { connection: { host: '127.0.0.1', port: redis.port }, prefix: PREFIX });
    const work = { kind: 'unittest' as const, solution: 'x = 1', test: TEST, timeoutS: 1e6 };
    const job = await q.add('unittest', { format: QUEUE_FORMAT, env: env.id, key: 'planted', work }, { jobId: 'planted', attempts: 3 });
    await until(async () => (await job.getState()) === 'failed', 20_000, 'the planted job to fail');
    expect((await q.getJob('planted'))?.failedReason).toMatch(/timeoutS|3600/);
    expect((await q.getJob('planted'))?.attemptsMade).toBe(1);
    await q.close();
  }, 60_000);
});
