import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../../src/config/world.js';
import { runWorld } from '../../src/world/run-world.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';

// Directories the user cannot write: one line naming the right thing, exit 2. Root writes anywhere,
// so as root the command runs as the unprivileged uid 65534 ("nobody").
const projectRoot = resolve(__dirname, '..', '..');
const SAMPLE = join(projectRoot, 'data', 'sample-tasks.jsonl');
const asRoot = process.getuid?.() === 0;
/** As root: why uid 65534 cannot run the project (a clone under a private folder), else undefined. */
const cannotDrop = ((): string | undefined => {
  if (!asRoot) return undefined;
  const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(projectRoot, 'node_modules', 'tsx', 'package.json'))})`], { uid: 65534, gid: 65534, encoding: 'utf8' });
  return r.status === 0 ? undefined : `uid 65534 cannot read the project at ${projectRoot}`;
})();
if (cannotDrop) console.warn(`[unwritable tests] skipped: ${cannotDrop}`);
const dir = mkdtempSync(join(tmpdir(), 'unwritable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWorldCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-world.ts'), '--dataset', SAMPLE, '--limit', '2', '--model', 'offline:0.5', '--setting', 'CF_EF_FULL', '--sandbox', 'local', '--quiet', ...args], {
    cwd: projectRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const finished = join(dir, 'finished');
const locked = join(dir, 'locked');
beforeAll(async () => {
  if (cannotDrop) return;
  chmodSync(dir, 0o755);
  const cfg = resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'test', values: { dataset: SAMPLE, cacheDir: join(dir, 'cache'), model: 'offline:0.5', setting: 'CF_EF_FULL', limit: 2, out: finished } },
  ]);
  await runWorld(cfg, { sandbox: new FakeSandbox() });
  chmodSync(finished, 0o555);
  mkdirSync(locked, { mode: 0o555 });
  chmodSync(locked, 0o555);
});

describe.skipIf(!!cannotDrop)('a directory the user cannot write', () => {
  it('a finished run: one line naming the directory, exit 2 (not exit 0 with nothing)', () => {
    const r = runWorldCli('--out', finished);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`run-world: --out ${finished}: not writable by this user (EACCES); use another directory`]);
  });

  it('a new --out under an unwritable folder names --out', () => {
    const r = runWorldCli('--out', join(locked, 'new'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`run-world: --out ${join(locked, 'new')}: cannot create the directory (EACCES)`);
  });

  it('the default run directory under an unwritable logsDir does not blame --out', () => {
    const config = join(dir, 'logs.yaml');
    writeFileSync(config, `logsDir: ${locked}\n`);
    const r = runWorldCli('--config', config);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^run-world: the default run directory ${locked}/\\S+: cannot create the directory \\(EACCES\\)$`));
    expect(r.stderr).not.toContain('--out');
    expect(existsSync(join(locked, 'new'))).toBe(false);
  });
});
