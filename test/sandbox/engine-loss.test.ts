import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorEnv, QueueSandbox } from '../../src/sandbox/queue/index.js';
import { defaultImage } from '../../src/sandbox/paths.js';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, until, type WorkerProc } from './queue-helpers.js';

const ENGINE = '/var/run/docker.sock';
const hasImage = spawnSync('docker', ['image', 'inspect', process.env.CODECONV_IMAGE ?? defaultImage()], { stdio: 'ignore' }).status === 0;

/** A unix-socket proxy in front of the Docker socket: down() makes the engine vanish for its clients. */
class EngineProxy {
  private server?: Server;
  private readonly conns = new Set<Socket>();
  constructor(readonly path: string) {}
  async up(): Promise<void> {
    rmSync(this.path, { force: true });
    this.server = createServer((c) => {
      const e = connect(ENGINE);
      this.conns.add(c).add(e);
      c.pipe(e).pipe(c);
      const drop = (): void => { c.destroy(); e.destroy(); this.conns.delete(c); this.conns.delete(e); };
      c.on('error', drop).on('close', drop);
      e.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server!.listen(this.path, r));
  }
  async down(): Promise<void> {
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}

describe.skipIf(!hasRedis || !hasImage)('a worker whose Docker engine goes away (socket proxy)', () => {
  const redis = new TestRedis();
  const dir = mkdtempSync(join(tmpdir(), 'engine-loss-'));
  const proxy = new EngineProxy(join(dir, 'docker.sock'));
  let worker: WorkerProc;
  let sb: QueueSandbox;

  beforeAll(async () => {
    await redis.start();
    await proxy.up();
    worker = await startWorker(['--queue', redis.url, '--sandbox', 'docker', '--parallel', '1'], { DOCKER_SOCKET: proxy.path });
  }, 180_000);
  afterAll(async () => {
    await sb?.close();
    await proxy.up().catch(() => undefined);
    await stopWorker(worker);
    await proxy.down();
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
    // Containers the worker could not remove while the engine was away.
    spawnSync('sh', ['-c', `docker ps -aq --filter label=codeconv.pid=${worker.proc.pid} | xargs -r docker rm -f`]);
  });

  it('stops taking jobs while it cannot judge (saying why), respawns its slots when the engine is back; the coordinator waits', async () => {
    const notices: string[] = [];
    sb = new QueueSandbox({ url: redis.url, env: coordinatorEnv(), notice: (l) => notices.push(l) });
    const cases = solutions('engine');
    expect((await sb.runUnittest({ solution: cases[0]!.solution, test: TEST, timeoutS: 5 })).status).toBe('pass');

    await proxy.down();
    let failed: unknown;
    const pending = Promise.all(cases.slice(1, 4).map((c) => sb.runUnittest({ solution: c.solution, test: TEST, timeoutS: 5 })));
    pending.catch((e: unknown) => { failed = e; });
    await until(() => /cannot judge \(.*\); not taking jobs until the sandbox works again/.test(worker.log()), 90_000, 'the worker to say it cannot judge');
    await until(() => notices.some((l) => l.startsWith('no worker with')), 20_000, 'the coordinator to see no worker');
    expect(failed).toBeUndefined();

    await proxy.up();
    const got = await pending;
    expect(got.map((r) => r.status)).toEqual(cases.slice(1, 4).map((c) => c.expect));
    expect(worker.log()).toContain('the sandbox works again: taking jobs');
    expect(failed).toBeUndefined();
  }, 240_000);
});
