import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA, startHubDouble, type HubDouble } from '../helpers/hub-double.js';

const run = promisify(execFile);
const USER = 'codeconv-pack-test';
const root = resolve('.');
const isRoot = process.getuid?.() === 0;
const haveShared = existsSync(join(SHARED_DATA, 'bigcodebench', 'bigcodebench-v0.1.4.jsonl'));
const skip = !isRoot ? 'not root: cannot create the unprivileged user the install runs as' : !haveShared ? 'no reference copies of the data beside the project' : undefined;
if (skip) console.warn(`[pack test] skipped: ${skip}`);

let hub: HubDouble;
let work: string;

/** Runs a shell line as the unprivileged user, in `cwd`, with only the given environment. */
async function asUser(cwd: string, line: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const vars = Object.entries({ HOME: join(work, 'home'), PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, npm_config_cache: join(work, 'npm-cache'), ...env }).map(([k, v]) => `${k}=${v}`);
  return run('runuser', ['-u', USER, '--', 'env', '-i', ...vars, 'bash', '-c', `cd ${cwd} && ${line}`], { maxBuffer: 64 << 20, timeout: 900_000 });
}

/** Files under `dir` changed after `marker` was written. */
async function newerThan(dir: string, marker: string): Promise<string[]> {
  const { stdout } = await run('find', [dir, '-newer', marker, '-not', '-type', 'd']);
  return stdout.split('\n').filter(Boolean);
}

describe.skipIf(!!skip)('the packed package, installed in an empty directory by a user without root', () => {
  beforeAll(async () => {
    hub = await startHubDouble({ shared: true });
    work = mkdtempSync(join(tmpdir(), 'codeconv-pack-'));
    chmodSync(work, 0o755);
    await run('bash', ['-c', `id -u ${USER} >/dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin ${USER}`]);
    // The packed tarball (prepare builds dist/), and a copy of the npm cache so the install needs no registry.
    await run('npm', ['pack', '--pack-destination', work], { cwd: root, maxBuffer: 64 << 20, timeout: 900_000 });
    const home = join(work, 'home');
    mkdirSync(join(work, 'project'), { recursive: true });
    mkdirSync(home);
    const cache = join(process.env.HOME ?? '/root', '.npm');
    if (existsSync(cache)) cpSync(cache, join(work, 'npm-cache'), { recursive: true });
    await run('chown', ['-R', `${USER}:`, work]);
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    await asUser(join(work, 'project'), `npm init -y >/dev/null && npm install --prefer-offline --no-audit --no-fund --omit=optional ${join(work, tgz)}`);
    writeFileSync(join(work, 'installed.marker'), '');
  }, 1_200_000);
  afterAll(async () => {
    await hub?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs the embedded default with runs under ./logs and nothing written under node_modules', async () => {
    const project = join(work, 'project');
    const r = await asUser(project, 'npx run-world --max-turns 1 --limit 1 --sandbox local --quiet');
    expect(r.stdout).toMatch(/run directory: .*\/project\/logs\//);
    expect(readdirSync(join(project, 'logs')).length).toBe(1);
    expect(existsSync(join(work, 'home', '.cache', 'codeconv-eval'))).toBe(true);
    expect(await newerThan(join(project, 'node_modules'), join(work, 'installed.marker'))).toEqual([]);
  }, 600_000);

  it('run-eval --canonical on the default named data set downloads through the double, then works offline from the cache', async () => {
    const project = join(work, 'project');
    const env = { HF_ENDPOINT: hub.url };
    const online = await asUser(project, 'npx run-eval --canonical --ids 1,2 --sandbox local --out eval-online', env);
    expect(online.stdout).toMatch(/\(2 judged, 0 resumed\)/);
    expect(hub.requests.some((l) => l.startsWith('LFS GET /blobs/'))).toBe(true);
    expect(existsSync(join(work, 'home', '.cache', 'huggingface', 'hub', 'datasets--bigcode--bigcodebench', 'refs', 'main'))).toBe(true);
    hub.requests.length = 0;
    const offline = await asUser(project, 'npx run-eval --canonical --ids 1,2 --sandbox local --out eval-offline', { HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' });
    expect(offline.stdout).toMatch(/\(2 judged, 0 resumed\)/);
    expect(hub.requests).toEqual([]);
    const missing = await asUser(project, 'npx run-eval --canonical --ids 1 --dataset bigcodebench@v0.1.0_hf --sandbox local --out eval-missing; echo "exit $?"', { HF_HUB_OFFLINE: '1' });
    expect(missing.stderr).toMatch(/^run-eval: bigcodebench@v0\.1\.0_hf is not in the cache and HF_HUB_OFFLINE is set: run `codeconv-data pull bigcodebench@v0\.1\.0_hf`.*HF_ENDPOINT.*\n$/);
    expect(missing.stdout).toMatch(/exit 2/);
    expect(await newerThan(join(project, 'node_modules'), join(work, 'installed.marker'))).toEqual([]);
  }, 600_000);
});
