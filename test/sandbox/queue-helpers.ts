import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/sandbox/paths.js';

export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** A private redis-server on 127.0.0.1 and a non-default port, in its own directory. */
export class TestRedis {
  readonly port = 17000 + Math.floor(Math.random() * 2000);
  readonly url = `redis://127.0.0.1:${this.port}`;
  private dir?: string;
  private proc?: ChildProcess;

  /** `bind`: addresses to listen on besides 127.0.0.1 (the host ends of test veth links). */
  constructor(private readonly bind: string[] = []) {}

  async start(): Promise<void> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'queue-test-redis-'));
    const bind = ['127.0.0.1', ...this.bind].join(' ');
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', bind, '--protected-mode', 'no', '--dir', this.dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (this.cli('ping') === 'PONG') return;
      await sleep(100);
    }
    throw new Error(`redis-server on port ${this.port} did not answer`);
  }

  cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8', timeout: 5000 }).stdout.trim();
  }

  /** Stops the server abruptly (no save): clients see the connection drop. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WorkerProc {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/** A real run-worker child process (TypeScript run through tsx); resolves once it serves the queue. */
export async function startWorker(args: string[], env: NodeJS.ProcessEnv = {}, expectServe = true, wrap: string[] = []): Promise<WorkerProc> {
  const argv = [process.execPath, '--import', 'tsx', join(projectRoot, 'src/cli/run-worker.ts'), ...args];
  const proc = spawn(wrap[0] ?? argv[0]!, [...wrap.slice(1), ...(wrap.length ? argv : argv.slice(1))], {
    cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  proc.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const w = { proc, log: () => text, exited };
  if (!expectServe) return w;
  for (let i = 0; i < 600; i++) {
    if (text.includes('serving')) return w;
    if (proc.exitCode !== null) throw new Error(`worker exited ${proc.exitCode}: ${text}`);
    await sleep(100);
  }
  throw new Error(`worker did not start: ${text}`);
}

export async function stopWorker(w: WorkerProc): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill('SIGTERM');
  const t = setTimeout(() => w.proc.kill('SIGKILL'), 15_000);
  await w.exited;
  clearTimeout(t);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` is true or `ms` pass. */
export async function until(fn: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const TEST = `
import unittest
class TestCases(unittest.TestCase):
    def test_a(self):
        self.assertEqual(task_func(2), 4)
    def test_b(self):
        self.assertEqual(task_func(3), 9)
`;

/** Solutions with known outcomes; `nonce` keeps them out of each other's cache entries. */
export function solutions(nonce: string, sleepS = 0): { solution: string; expect: string }[] {
  const nap = sleepS ? `    import time; time.sleep(${sleepS})\n` : '';
  return [
    { solution: `# ${nonce} a\ndef task_func(x):\n${nap}    return x * x\n`, expect: 'pass' },
    { solution: `# ${nonce} b\ndef task_func(x):\n${nap}    return x + 2\n`, expect: 'fail' },
    { solution: `# ${nonce} c\ndef task_func(x):\n${nap}    return x ** 2\n`, expect: 'pass' },
    { solution: `# ${nonce} d\ndef task_func(x):\n${nap}    raise ValueError('no')\n`, expect: 'fail' },
    { solution: `# ${nonce} e\ndef task_func(x):\n    while True:\n        pass\n`, expect: 'timeout' },
    { solution: `# ${nonce} f\ndef task_func(x):\n${nap}    return 4 if x == 2 else 0\n`, expect: 'fail' },
  ];
}
