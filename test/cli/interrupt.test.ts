import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

// Ctrl-C says what was saved and how to go on, on the console and in run.log.
const [server] = useMockServers(new MockOpenAIServer());
const projectRoot = resolve(__dirname, '..', '..');
const SAMPLE = join(projectRoot, 'data', 'sample-tasks.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (f: string): number => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0);

/** run-world in a child process (asynchronous: the mock server answers from this one); `interrupt` is called while it runs. */
async function runWorld(out: string, interrupt?: (child: ReturnType<typeof spawn>) => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-world.ts'),
    '--model', `vllm:served@${server.baseURL}`, '--dataset', SAMPLE, '--limit', '6', '--setting', 'CF_EF_FULL', '--max-turns', '0',
    '--concurrency', '1', '--sandbox', 'local', '--no-cache', '--quiet', '--out', out], { cwd: projectRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  if (interrupt) await interrupt(child);
  return { code: await closed, stdout, stderr };
}

describe('an interrupted run', () => {
  it('SIGINT: "interrupted: N of M episodes saved", run.log records it, exit 130; the rerun resumes', async () => {
    server.okDelayMs = 300;
    const out = join(dir, 'run');
    const journal = join(out, 'episodes.jsonl');
    const r = await runWorld(out, async (child) => {
      for (let i = 0; i < 600 && lines(journal) < 2; i++) await new Promise((res) => setTimeout(res, 50));
      child.kill('SIGINT');
    });
    expect(r.code).toBe(130);
    const saved = lines(journal);
    expect(saved).toBeGreaterThanOrEqual(2);
    expect(saved).toBeLessThan(6);
    const note = `interrupted: ${saved} of 6 episodes saved in ${out}; rerun the same command to resume (SIGINT)`;
    expect(r.stderr).toContain(`run-world: ${note}`);
    expect(readFileSync(join(out, 'run.log'), 'utf8')).toContain(note);
    expect(existsSync(join(out, '.lock'))).toBe(false);

    server.okDelayMs = 0;
    const again = await runWorld(out);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`(${6 - saved} episodes run, ${saved} resumed;`);
    // The console's call counts are run-stats.json's.
    const stats = JSON.parse(readFileSync(join(out, 'run-stats.json'), 'utf8')) as { modelCalls: { coder: number } };
    expect(stats.modelCalls.coder).toBeGreaterThanOrEqual(6 - saved);
    expect(again.stdout).toContain(`model calls: coder ${stats.modelCalls.coder} live\n`);
  }, 120_000);
});
