import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/sandbox/paths.js';
import { hasRedis, sleep, solutions, startWorker, stopWorker, TEST, type WorkerProc } from './queue-helpers.js';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasRedis || !hasOpenssl)('queue over TLS: rediss:// to a redis-server that only speaks TLS', () => {
  const port = 19000 + Math.floor(Math.random() * 1000);
  const url = `rediss://localhost:${port}`;
  let dir = '';
  let cert = '';
  let server: ChildProcess;
  let worker: WorkerProc;
  const tlsCli = (...args: string[]) => spawnSync('redis-cli', ['--tls', '--cacert', cert, '-h', 'localhost', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5000 }).stdout.trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'queue-tls-'));
    cert = join(dir, 'cert.pem');
    // A self-signed certificate for localhost; clients trust it through NODE_EXTRA_CA_CERTS.
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', cert, '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
    server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', cert, '--tls-key-file', join(dir, 'key.pem'),
      '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no', '--protected-mode', 'no', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && tlsCli('ping') !== 'PONG'; i++) await sleep(100);
    expect(tlsCli('ping')).toBe('PONG');
    worker = await startWorker(['--queue', url, '--sandbox', 'local', '--parallel', '1'], { NODE_EXTRA_CA_CERTS: cert });
  }, 60_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run-eval coordinator and a run-worker judge through it, with the statuses the solutions have', () => {
    const sols = solutions('tls');
    const dataset = join(dir, 'tasks.jsonl');
    writeFileSync(dataset, sols.map((s, i) => JSON.stringify({ task_id: `T/${i}`, complete_prompt: '', instruct_prompt: '', code_prompt: 'def task_func(x):\n', canonical_solution: s.solution, test: TEST })).join('\n') + '\n');
    const out = join(dir, 'run');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-eval.ts'), '--dataset', dataset, '--canonical', '--timeout', '3',
      '--sandbox', 'queue', '--queue', url, '--image', 'local', '--out', out], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_EXTRA_CA_CERTS: cert } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 pass, 3 fail, 1 timeout \(6 judged, 0 resumed\)/);
    const results = JSON.parse(readFileSync(join(out, 'eval_results.json'), 'utf8')) as { eval: Record<string, { status: string }[]> };
    expect(sols.map((_, i) => results.eval[`T/${i}`]![0]!.status)).toEqual(sols.map((s) => s.expect));
    expect(worker.log()).toContain(`serving ${url}`);
    // The server has no plaintext port: these judgments crossed TLS.
    expect(spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8', timeout: 5000 }).stdout.trim()).not.toBe('PONG');
  }, 180_000);
});
