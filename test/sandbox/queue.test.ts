import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { coordinatorEnv, envFromId, listWorkers, QueueSandbox } from '../../src/sandbox/queue/index.js';
import { Redis } from 'ioredis';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, until, type WorkerProc } from './queue-helpers.js';

const TIMEOUT_S = 3;

describe.skipIf(!hasRedis)('queue sandbox: real redis-server, two run-worker processes', () => {
  const redis = new TestRedis();
  const workers: WorkerProc[] = [];
  const open: QueueSandbox[] = [];
  const coordinator = (o: Partial<ConstructorParameters<typeof QueueSandbox>[0]> = {}): QueueSandbox => {
    const notices: string[] = [];
    const sb = new QueueSandbox({ url: redis.url, env: coordinatorEnv('local'), notice: (l) => notices.push(l), ...o });
    (sb as unknown as { notices: string[] }).notices = notices;
    open.push(sb);
    return sb;
  };
  const noticesOf = (sb: QueueSandbox): string[] => (sb as unknown as { notices: string[] }).notices;

  beforeAll(async () => {
    await redis.start();
    for (let i = 0; i < 2; i++) workers.push(await startWorker(['--queue', redis.url, '--sandbox', 'local', '--parallel', '2', '--lock-ms', '2000']));
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((s) => s.close()));
    await Promise.allSettled(workers.map(stopWorker));
    await redis.dispose();
  });

  it('judges like the direct sandbox, shows both workers, and judges the same work once', async () => {
    const cases = solutions('same', 0.2);
    const direct = new LocalSandbox({ parallel: 2 });
    const want = await Promise.all(cases.map((c) => direct.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    await direct.close();
    expect(want.map((r) => r.status)).toEqual(cases.map((c) => c.expect));

    const sb = coordinator();
    await sb.start();
    expect(sb.status()).toMatch(/^workers 2 on 1 host \(4 slots, \d busy\)$/);
    const got = await Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    expect(got.map((r) => r.status)).toEqual(want.map((r) => r.status));
    expect(got.map((r) => Object.keys(r.details).sort())).toEqual(want.map((r) => Object.keys(r.details).sort()));
    expect(sb.stats).toMatchObject({ submitted: 6, judgedByWorkers: 6, redisCacheHits: 0, requeued: 0 });

    const checks = await sb.runChecks([{ code: 'assert 1 + 1 == 2', timeoutS: 3 }, { code: 'assert 1 == 2', timeoutS: 3 }]);
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect((await sb.checkSyntax('def f(:\n  pass\n')).ok).toBe(false);

    // Another coordinator (another run, another machine): every verdict comes from the Redis cache;
    // the timeout (machine load decides it) is judged again.
    const again = coordinator();
    const second = await Promise.all(cases.map((c) => again.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    expect(second.map((r) => r.status)).toEqual(want.map((r) => r.status));
    expect(again.stats).toMatchObject({ submitted: 6, judgedByWorkers: 1, redisCacheHits: 5 });
  });

  it('a job for another image waits, and the coordinator names the workers that do not match', async () => {
    const other = envFromId('docker:codeconv-bigcodebench:000000000000:judge-000000000000');
    const sb = coordinator({ env: other });
    await sb.start();
    const lines = noticesOf(sb);
    expect(lines.filter((l) => l.includes('does not match'))).toHaveLength(2);
    expect(lines[0]).toMatch(/^worker \S+:\d+ \(2 slots\) does not match and will not take these jobs: it has image python3:[\d.]+ judge [0-9a-f]+, this run needs image codeconv-bigcodebench:000000000000 judge 000000000000$/);
    expect(lines.some((l) => l.startsWith('no worker with image codeconv-bigcodebench:000000000000'))).toBe(true);
    expect(sb.status()).toBe('workers 0 on 0 hosts (0 slots, 0 busy), 2 not matching');
    let settled = false;
    void sb.runUnittest({ solution: solutions('wait')[0]!.solution, test: TEST, timeoutS: TIMEOUT_S }).finally(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 4000));
    expect(settled).toBe(false);
    const r = new Redis(redis.url);
    const waiting = await r.keys('codeconv:judge-*:wait');
    const lens = await Promise.all(waiting.map((k) => r.llen(k)));
    await r.quit();
    expect(lens.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('kill -9 of a worker mid-judgment: its jobs are judged by the other, statuses unchanged, nothing counted twice', async () => {
    const cases = solutions('kill', 1);
    const sb = coordinator();
    await sb.start();
    const pending = Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    const r = new Redis(redis.url);
    const victim = workers[0]!;
    await until(async () => (await listWorkers(r)).some((w) => w.pid === victim.proc.pid && w.busy > 0), 20_000, 'the first worker to be busy');
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const got = await pending;
    expect(got.map((x) => x.status)).toEqual(cases.map((c) => c.expect));
    expect(sb.stats).toMatchObject({ submitted: 6, judgedByWorkers: 6, redisCacheHits: 0, requeued: 0 });
    // The killed worker's announcement expires on its own; the survivor did the rest.
    await until(async () => (await listWorkers(r)).length === 1, 20_000, 'the killed worker to drop out');
    await r.quit();
    workers[0] = await startWorker(['--queue', redis.url, '--sandbox', 'local', '--parallel', '2', '--lock-ms', '2000']);
  }, 90_000);

  it('Redis going away stops the run with an error naming the URL; a rerun resumes', async () => {
    const cases = solutions('lost', 1);
    const sb = coordinator({ lostAfterMs: 2000 });
    await sb.start();
    const pending = Promise.allSettled(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    await new Promise((r) => setTimeout(r, 300));
    await redis.stop();
    const settled = await pending;
    const reasons = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason.message));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons[0]).toContain(`lost the Redis queue at ${redis.url}/0`);
    expect(reasons[0]).toContain('rerun the same command to resume');
    await expect(sb.runUnittest({ solution: cases[0]!.solution, test: TEST, timeoutS: TIMEOUT_S })).rejects.toThrow(/lost the Redis queue/);
    await sb.close();

    await redis.start();
    const rerun = coordinator();
    const got = await Promise.all(cases.map((c) => rerun.runUnittest({ solution: c.solution, test: TEST, timeoutS: TIMEOUT_S })));
    expect(got.map((x) => x.status)).toEqual(cases.map((c) => c.expect));
  }, 120_000);

  it('a coordinator that cannot reach Redis says so, naming the URL without the password', async () => {
    const sb = new QueueSandbox({ url: 'redis://:s3cret@127.0.0.1:1/2', env: coordinatorEnv('local'), lostAfterMs: 1500, notice: () => undefined });
    const err = await sb.runUnittest({ solution: 'x = 1', test: TEST, timeoutS: 1 }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/^cannot reach the Redis queue at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/2: /);
    expect(String((err as Error).message)).not.toContain('s3cret');
    await sb.close();
  });
});
