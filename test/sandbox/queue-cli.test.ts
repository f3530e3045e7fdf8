import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../../src/config/world.js';
import { projectRoot } from '../../src/sandbox/paths.js';
import { listWorkers, parseQueueUrl } from '../../src/sandbox/queue/index.js';
import { hasRedis, solutions, startWorker, stopWorker, TEST, TestRedis, until, type WorkerProc } from './queue-helpers.js';

const cli = (name: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, `src/cli/${name}.ts`), ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });

describe('queue URL and options', () => {
  it('parses redis and rediss URLs and masks the password', () => {
    const u = parseQueueUrl('redis://:p%40ss@10.0.0.5:6390/3');
    expect(u.redis).toMatchObject({ host: '10.0.0.5', port: 6390, db: 3, password: 'p@ss' });
    expect(u.display).toBe('redis://:***@10.0.0.5:6390/3');
    expect(parseQueueUrl('rediss://cache.example:6380').redis.tls).toEqual({ servername: 'cache.example' });
    expect(parseQueueUrl('redis://h').redis).toMatchObject({ port: 6379, db: 0 });
    expect(() => parseQueueUrl('http://h:1')).toThrow(/--queue: scheme must be redis: or rediss:/);
    expect(() => parseQueueUrl('redis://h:1/x', 'sandbox.queue')).toThrow(/^sandbox.queue: database must be a number/);
    expect(() => parseQueueUrl('redis://:pw@h:1/99')).toThrow(/out of range.*redis:\/\/:\*\*\*@h:1\/99/);
  });

  it('config: kind queue needs a valid sandbox.queue, named with its file', () => {
    const base = { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) };
    expect(() => resolveWorldConfig([base, { file: 'my.yaml', values: { sandbox: { kind: 'queue' } } }])).toThrow(/^my.yaml: key "sandbox.queue": kind queue needs sandbox.queue/);
    expect(() => resolveWorldConfig([base, { file: 'my.yaml', values: { sandbox: { kind: 'queue', queue: 'redis:/x' } } }])).toThrow(/^my.yaml: key "sandbox.queue": expected redis:/);
    expect(resolveWorldConfig([base, { file: 'my.yaml', values: { sandbox: { kind: 'queue', queue: 'redis://h:7000/1' } } }]).sandbox.queue).toBe('redis://h:7000/1');
  });

  it('user mistakes on the command line: one line, exit code 2', () => {
    const a = cli('run-eval', ['--canonical', '--sandbox', 'queue', '--out', '/tmp/never']);
    expect([a.status, a.stderr.trim()]).toEqual([2, 'run-eval: --sandbox queue needs --queue redis://host:port']);
    const b = cli('run-worker', ['--queue', 'redis://h:1/x']);
    expect(b.status).toBe(2);
    expect(b.stderr.trim()).toMatch(/^run-worker: --queue: database must be a number/);
  });
});

describe.skipIf(!hasRedis)('queue commands: run-eval coordinator and run-worker processes', () => {
  const redis = new TestRedis();
  let dir = '';
  let dataset = '';
  let worker: WorkerProc;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'queue-cli-'));
    dataset = join(dir, 'tasks.jsonl');
    await redis.start();
    // Tasks whose canonical solutions take about 1 s each, so a coordinator can be killed mid-run.
    const lines = solutions('cli', 0.5).map((c, i) => JSON.stringify({
      task_id: `Q/${i}`, complete_prompt: '', instruct_prompt: '', code_prompt: 'def task_func(x):\n', canonical_solution: c.solution, test: TEST,
    }));
    writeFileSync(dataset, lines.join('\n') + '\n');
    worker = await startWorker(['--queue', redis.url, '--sandbox', 'local', '--parallel', '1']);
  });
  afterAll(async () => {
    await stopWorker(worker);
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run-worker that cannot reach Docker refuses to start and never announces itself', async () => {
    const w = await startWorker(['--queue', redis.url, '--sandbox', 'docker'], { DOCKER_SOCKET: join(dir, 'no-docker.sock') }, false);
    expect(await w.exited).toBe(3);
    expect(w.log()).toMatch(/^run-worker: cannot reach the Docker engine/);
    const r = new Redis(redis.url);
    expect((await listWorkers(r)).map((x) => x.pid)).toEqual([worker.proc.pid]);
    await r.quit();
  });

  it('a coordinator killed mid-run and started again resumes: every task judged, none recorded twice', async () => {
    const out = join(dir, 'run');
    const args = ['--import', 'tsx', join(projectRoot, 'src/cli/run-eval.ts'), '--dataset', dataset, '--canonical', '--timeout', '3',
      '--sandbox', 'queue', '--queue', redis.url, '--image', 'local', '--parallel', '1', '--out', out];
    const first = spawn(process.execPath, args, { cwd: projectRoot, stdio: 'ignore' });
    const progress = join(out, 'eval_progress.jsonl');
    const lines = (): string[] => { try { return readFileSync(progress, 'utf8').trim().split('\n').filter(Boolean); } catch { return []; } };
    await until(() => lines().length >= 2, 60_000, 'two judgments recorded');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const before = lines().length;
    expect(before).toBeLessThan(6);
    const second = spawnSync(process.execPath, args, { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`2 pass, 3 fail, 1 timeout \\(${6 - before} judged, ${before} resumed\\)`));
    const keys = lines().map((l) => (JSON.parse(l) as { key: string }).key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(6);
  }, 180_000);
});

describe('progress line', () => {
  it('ends with the status the queue sandbox registered', async () => {
    const { ProgressLine, setProgressStatus } = await import('../../src/report/progress.js');
    vi.stubEnv('CI', ''); // CI machines set CI=true, which turns the line off
    let text = '';
    const stream = { isTTY: true, columns: 200, write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WriteStream;
    setProgressStatus(() => 'workers 2 on 2 hosts (8 slots, 7 busy)');
    new ProgressLine('run-eval', 10, stream).update(10);
    setProgressStatus(undefined);
    vi.unstubAllEnvs();
    expect(text).toMatch(/run-eval \[#+\] 10\/10 \d+s workers 2 on 2 hosts \(8 slots, 7 busy\)/);
  });
});
