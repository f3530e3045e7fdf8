import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { coordinatorEnv, QueueSandbox } from '../../src/sandbox/queue/index.js';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, type WorkerProc } from './queue-helpers.js';

// Each worker gets its own network namespace (a separate host on a veth link to this one) and its own
// host name, so jobs and results really cross a network.
const ip = (...a: string[]): boolean => spawnSync('ip', a, { stdio: 'ignore' }).status === 0;
const tag = `${process.pid % 1000}`;
const octet = 100 + (process.pid % 100);
const hosts = [1, 2].map((i) => ({ ns: `cq${tag}w${i}`, veth: `cq${tag}v${i}`, host: `10.${octet}.${i}.1`, peer: `10.${octet}.${i}.2` }));
const canNetns = hasRedis && process.getuid?.() === 0 && ip('netns', 'add', `cq${tag}probe`) && ip('netns', 'del', `cq${tag}probe`);

describe.skipIf(!canNetns)('queue across a network: two workers in their own network namespaces', () => {
  const redis = new TestRedis(hosts.map((h) => h.host));
  const workers: WorkerProc[] = [];

  beforeAll(async () => {
    for (const h of hosts) {
      const ok = ip('netns', 'add', h.ns) && ip('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', `${h.veth}p`)
        && ip('link', 'set', `${h.veth}p`, 'netns', h.ns) && ip('addr', 'add', `${h.host}/24`, 'dev', h.veth) && ip('link', 'set', h.veth, 'up')
        && ip('netns', 'exec', h.ns, 'ip', 'addr', 'add', `${h.peer}/24`, 'dev', `${h.veth}p`)
        && ip('netns', 'exec', h.ns, 'ip', 'link', 'set', `${h.veth}p`, 'up') && ip('netns', 'exec', h.ns, 'ip', 'link', 'set', 'lo', 'up');
      if (!ok) throw new Error(`cannot set up network namespace ${h.ns}`);
    }
    await redis.start();
    for (const [i, h] of hosts.entries()) {
      const url = `redis://${h.host}:${redis.port}`;
      const wrap = ['ip', 'netns', 'exec', h.ns, 'unshare', '--uts', 'sh', '-c', `hostname worker-${i + 1} && exec "$0" "$@"`];
      workers.push(await startWorker(['--queue', url, '--sandbox', 'local', '--parallel', '2'], {}, true, wrap));
    }
  });
  afterAll(async () => {
    await Promise.allSettled(workers.map(stopWorker));
    await redis.dispose();
    for (const h of hosts) { ip('link', 'del', h.veth); ip('netns', 'del', h.ns); }
  });

  it('statuses equal the direct sandbox; both hosts serve; the workers talk to Redis over the links', async () => {
    const cases = solutions('netns', 0.3);
    const direct = new LocalSandbox({ parallel: 2 });
    const want = await Promise.all(cases.map((c) => direct.runUnittest({ solution: c.solution, test: TEST, timeoutS: 3 })));
    await direct.close();
    const sb = new QueueSandbox({ url: redis.url, env: coordinatorEnv('local'), notice: () => undefined });
    await sb.start();
    expect(sb.status()).toMatch(/^workers 2 on 2 hosts \(4 slots, \d busy\)$/);
    const got = await Promise.all(cases.map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: 3 })));
    expect(got.map((r) => r.status)).toEqual(want.map((r) => r.status));
    expect(sb.stats.judgedByWorkers).toBe(cases.length);
    await sb.close();
    const clients = redis.cli('client', 'list');
    for (const h of hosts) expect(clients).toContain(`addr=${h.peer}:`);
  }, 120_000);
});
