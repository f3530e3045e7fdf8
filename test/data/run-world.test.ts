import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA, startHubDouble, type HubDouble } from '../helpers/hub-double.js';

const run = promisify(execFile);
const haveShared = existsSync(join(SHARED_DATA, 'bigcodebench', 'bigcodebench-v0.1.0_hf.jsonl'));
let hub: HubDouble;
let tmp: string;

beforeAll(async () => {
  hub = await startHubDouble({ shared: haveShared });
  tmp = mkdtempSync(join(tmpdir(), 'codeconv-world-ds-'));
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** run-world as a user runs it, with the double's environment; resolves with the exit code and output. */
async function runWorld(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...hub.env(join(tmp, 'hub'), join(tmp, 'cache')) };
  try {
    const r = await run(process.execPath, ['--import', pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href, resolve('src/cli/run-world.ts'), ...args], { env, cwd: tmp, maxBuffer: 16 << 20 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('run-world and data sets', () => {
  it('--subset hard on the embedded sample is a one-line error, not an empty run', async () => {
    const r = await runWorld('--subset', 'hard', '--max-turns', '1', '--sandbox', 'local', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^run-world: --subset hard on the file .*sample-tasks\.jsonl needs hard-task-ids\.json beside it; or name the data set \(--dataset bigcodebench-hard@<version>\)\n$/);
  });

  it.skipIf(!haveShared)('--dataset bigcodebench@v0.1.0_hf is pulled through the Hub and its commit and sha256 join the run identity', async () => {
    const r = await runWorld('--dataset', 'bigcodebench@v0.1.0_hf', '--ids', '13', '--max-turns', '1', '--sandbox', 'local', '--quiet', '--out', 'w');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cfg = parse(readFileSync(join(tmp, 'w', 'config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(cfg)).toContain('3f684a90957564701550085cdc45672bd05c8b360e9c599d01c8a3167f723667');
    expect(JSON.stringify(cfg)).toMatch(/"datasetRevision":"[0-9a-f]{40}"/);
    expect(JSON.parse(readFileSync(join(tmp, 'w', 'summary.json'), 'utf8')).dataset).toBe('bigcodebench@v0.1.0_hf');
  });
});
