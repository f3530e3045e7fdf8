import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { InfraError } from '../../src/util/errors.js';
import { runWorld } from '../../src/world/run-world.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

// A wrong endpoint is found before the first episode, in one line quoting the server.
const [server] = useMockServers(new MockOpenAIServer());
const projectRoot = resolve(__dirname, '..', '..');
const SAMPLE = join(projectRoot, 'data', 'sample-tasks.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (model: string, out: string): WorldConfig => resolveWorldConfig([
  { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
  { file: 'test', values: { dataset: SAMPLE, cacheDir: join(dir, 'cache'), model, setting: 'CF_EF_FULL', limit: 2, maxTurns: 1, out, protocol: 'clean' } },
]);

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('pre-flight of the endpoint', () => {
  it('a name the server does not serve: vLLM\'s own 404 message, no episode, no directory', async () => {
    server.models = [{ id: 'served', root: '/ckpt/a' }];
    const out = join(dir, 'wrong-name');
    const err = await runWorld(config(`vllm:wrong@${server.baseURL}`, out), { sandbox: new FakeSandbox() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).code).toBe('PREFLIGHT');
    expect((err as Error).message).toContain('The model `wrong` does not exist.');
    expect((err as Error).message).toContain('the server lists served');
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(server.count).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('connection refused fails at once, not after retries per episode', async () => {
    const out = join(dir, 'refused');
    const t0 = Date.now();
    const err = await runWorld(config(`vllm:m@http://127.0.0.1:${await closedPort()}/v1`, out), { sandbox: new FakeSandbox() }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models \(ECONNREFUSED\); check the URL/);
    expect(existsSync(out)).toBe(false);
  });

  it('a LangChain provider on a server of one\'s own (ollama) that does not answer: one line at once', async () => {
    const out = join(dir, 'ollama');
    const err = await runWorld(config(`ollama:llama3@http://127.0.0.1:${await closedPort()}`, out), { sandbox: new FakeSandbox() }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^ollama:llama3@.*: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/tags \(ECONNREFUSED\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('a listed model passes with one list request and no chat call; offline models are not probed', async () => {
    server.models = [{ id: 'served', root: '/ckpt/a' }];
    await runWorld(config(`vllm:served@${server.baseURL}`, join(dir, 'ok')), { sandbox: new FakeSandbox() });
    expect(server.listRequests).toBe(1);
    expect(server.probes).toBe(0);
    await runWorld(config('offline:0.5', join(dir, 'offline')), { sandbox: new FakeSandbox() });
    expect(server.listRequests).toBe(1);
  });

  it('the CLI prints the cause in one line, also with --quiet, exit 3', async () => {
    server.models = [{ id: 'served' }];
    const out = join(dir, 'cli');
    // Asynchronous: the mock server answers from this process.
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-world.ts'),
      '--model', `vllm:wrong@${server.baseURL}`, '--dataset', SAMPLE, '--limit', '2', '--setting', 'CF_EF_FULL', '--sandbox', 'local', '--quiet', '--out', out], { cwd: projectRoot });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const r = { status, stderr };
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^run-world: vllm:wrong@.*: HTTP 404 from .*\/chat\/completions: The model `wrong` does not exist\./)]);
    expect(existsSync(out)).toBe(false);
  });
});
