import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { main as cleanup } from '../../src/cli/cleanup.js';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { DockerSandbox, listSandboxContainers, removeLeftovers } from '../../src/sandbox/docker.js';
import { defaultImage } from '../../src/sandbox/paths.js';
import { dockerReady } from '../helpers/docker.js';

// Issue 16, defects 1 and 2, against the real engine.
const ready = dockerReady();

const slow = {
  solution: 'import time\ndef task_func():\n    time.sleep(4)\n    return 1\n',
  test: 'import unittest\nclass TestCases(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(task_func(), 1)\n',
  timeoutS: 60,
};
const square = {
  solution: 'def task_func(x):\n    return x * x\n',
  test: 'import unittest\nclass TestCases(unittest.TestCase):\n    def test_sq(self):\n        self.assertEqual(task_func(7), 49)\n',
  timeoutS: 20,
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dockerKill = (id: string): void => { spawnSync('docker', ['kill', id], { stdio: 'ignore', timeout: 30_000 }); };

/** Runs `body` on a started sandbox of one container, closed afterwards whatever happens. */
async function withStartedSandbox(body: (sb: DockerSandbox) => Promise<void>): Promise<void> {
  const sb = new DockerSandbox({ parallel: 1 });
  try {
    await sb.start();
    await body(sb);
  } finally {
    await sb.close();
  }
}

/** A pid that existed a moment ago and no longer does. */
function deadPid(): number {
  const p = spawnSync('sh', ['-c', 'echo $$']);
  return Number(p.stdout.toString().trim());
}

describe.skipIf(!ready.ok)(`sandbox faults on the real engine${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const docker = new Docker();
  const made: string[] = [];
  afterAll(async () => {
    for (const id of made) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
  });

  // First in this file: the handlers of an older version were installed once per process, at the first start.
  it('the library installs no signal handler (the CLI owns exiting)', async () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    await withStartedSandbox(async () => {
      expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
    });
  });

  it('docker kill in the middle of a judgment: judged again on a fresh container, the passing code passes, the cache holds the pass', async () => {
    await withStartedSandbox(async (sb) => {
      const [id] = await listSandboxContainers(process.pid);
      const exec = new ExecCache(sb);
      const pending = exec.unittest(slow.solution, slow.test, slow.timeoutS);
      await sleep(2_000);
      dockerKill(id!);
      const r = await pending;
      expect(r.status).toBe('pass');
      expect(sb.replacements['sandbox lost (retried)']).toBe(1);
      expect((await exec.unittest(slow.solution, slow.test, slow.timeoutS)).status).toBe('pass');
      expect(exec.stats).toMatchObject({ judged: 1, hits: 1 });
    });
  });

  it('docker kill of an idle container: the next judgment runs on a fresh one', async () => {
    await withStartedSandbox(async (sb) => {
      const [id] = await listSandboxContainers(process.pid);
      dockerKill(id!);
      await sleep(500);
      expect((await sb.runUnittest(square)).status).toBe('pass');
    });
  });

  it('start-up removes only provably dead containers: same host and dead pid; codeconv-cleanup --host removes the rest', async () => {
    const other = `elsewhere-${process.pid}`;
    const create = async (host: string, pid: number): Promise<string> => {
      const c = await docker.createContainer({ Image: defaultImage(), Cmd: ['true'], Labels: { 'codeconv.sandbox': '1', 'codeconv.pid': String(pid), 'codeconv.host': host } });
      made.push(c.id);
      return c.id;
    };
    const deadHere = await create(hostname(), deadPid());
    const otherHost = await create(other, deadPid());
    const liveHere = await create(hostname(), process.pid);
    await removeLeftovers(docker);
    const left = new Set(await listSandboxContainers());
    expect(left.has(deadHere)).toBe(false);
    expect(left.has(otherHost)).toBe(true);
    expect(left.has(liveHere)).toBe(true);

    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
    try {
      await cleanup(['--host', other, '--dry-run']);
      expect(new Set(await listSandboxContainers()).has(otherHost)).toBe(true);
      await cleanup(['--host', other]);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('')).toMatch(new RegExp(`would remove .*host ${other}`));
    const after = new Set(await listSandboxContainers());
    expect(after.has(otherHost)).toBe(false);
    expect(after.has(liveHere)).toBe(true);
  });

  it('a run started under another hostname on the same engine leaves this run\'s live containers alone', async () => {
    const unshare = spawnSync('unshare', ['--uts', 'true']);
    if (unshare.status !== 0) return expect.soft(unshare.status, 'unshare --uts is needed for a second hostname').toBe(0);
    const sb = new DockerSandbox({ parallel: 2 });
    try {
      const before = new Set(await listSandboxContainers(process.pid));
      await sb.start();
      const mine = (await listSandboxContainers(process.pid)).filter((id) => !before.has(id));
      expect(mine).toHaveLength(2);
      // A second process, hostname other-host, starts its own sandbox (its start-up removes leftovers) and judges.
      const child = spawn('unshare', ['--uts', 'sh', '-c', 'hostname other-host && exec npx vitest run test/sandbox/second-host.child.test.ts'], {
        env: { ...process.env, CODECONV_SECOND_HOST_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (d: Buffer) => { log += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { log += d.toString(); });
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code, log).toBe(0);
      expect(log).toMatch(/1 passed/);
      const still = new Set(await listSandboxContainers(process.pid));
      expect(mine.every((id) => still.has(id))).toBe(true);
      const both = await Promise.all([sb.runUnittest(square), sb.runUnittest(square)]);
      expect(both.map((r) => r.status)).toEqual(['pass', 'pass']);
      expect(sb.replacements).toEqual({});
    } finally {
      await sb.close();
    }
  });
});
