import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { writeFileAtomic } from '../../src/run/atomic.js';
import { lockRunDir } from '../../src/run/lock.js';
import { RunDir } from '../../src/run/run-dir.js';
import { versionField } from '../../src/run/format.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { UserError } from '../../src/util/errors.js';
import { runWorld } from '../../src/world/run-world.js';

const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'run-dir-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(over: Record<string, unknown>): WorldConfig {
  return resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'test', values: { dataset: SAMPLE, cacheDir: join(dir, 'cache'), ...over } },
  ]);
}

/** A sandbox whose start() waits until the test lets it fail: the run holding the directory stays in it. */
function blockedSandbox(): { sandbox: Sandbox; fail: () => void } {
  let fail!: () => void;
  const started = new Promise<void>((_, reject) => { fail = () => reject(new Error('engine gone')); });
  started.catch(() => undefined);
  const sandbox = { kind: 'local', start: () => started, environmentId: () => 'blocked', close: async () => undefined } as unknown as Sandbox;
  return { sandbox, fail };
}

describe('exclusive lock on the run directory (issue 16, defect 4)', () => {
  it('a second run on the same --out fails at once naming the holder; the first one finishes', async () => {
    const out = join(dir, 'locked');
    const first = blockedSandbox();
    const p1 = runWorld(config({ out }), { sandbox: first.sandbox });
    await new Promise((r) => setTimeout(r, 50));
    const second = blockedSandbox();
    const t0 = Date.now();
    const err = await runWorld(config({ out }), { sandbox: second.sandbox }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('RUN_LOCKED');
    expect((err as Error).message).toMatch(new RegExp(`is in use by pid ${process.pid} on ${hostname()}`));
    expect((err as Error).message.split('\n')).toHaveLength(1);
    first.fail();
    await expect(p1).rejects.toThrow('engine gone');
    // Released on the way out; the failed start saved nothing, so the directory it made is gone.
    expect(existsSync(out)).toBe(false);
  });

  it('a lock left by a dead process of this host is taken over', () => {
    const out = join(dir, 'stale');
    mkdirSync(out);
    const dead = Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());
    writeFileSync(join(out, '.lock'), JSON.stringify({ version: 1, pid: dead, host: hostname(), started: 'then', command: 'run-world' }));
    const lock = lockRunDir(out);
    expect(JSON.parse(readFileSync(join(out, '.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });

  it('a lock held on another host is never taken over', () => {
    const out = join(dir, 'remote');
    mkdirSync(out);
    writeFileSync(join(out, '.lock'), JSON.stringify({ version: 1, pid: 1, host: 'other-machine', started: 'now', command: 'run-eval' }));
    expect(() => lockRunDir(out)).toThrow(/in use by pid 1 on other-machine/);
  });
});

describe('RunDir', () => {
  const Rec = z.object({ version: versionField, id: z.string(), n: z.number() });

  it('writes config.yaml and records with a format version and reads records back through their schema', async () => {
    const out = join(dir, 'records');
    const rd = RunDir.open({ dir: out, kind: 'eval', identity: { a: 1 }, config: { a: 1, note: 'x' }, journal: 'j.jsonl' });
    const j = rd.journal('j.jsonl', Rec);
    await j.append({ id: 'one', n: 1 });
    rd.writeJson('summary.json', { ok: true });
    rd.close();
    expect(parseYaml(readFileSync(join(out, 'config.yaml'), 'utf8'))).toMatchObject({ version: 1, kind: 'eval', a: 1 });
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ version: 1, ok: true });
    expect(j.read()).toEqual([{ version: 1, id: 'one', n: 1 }]);
    appendFileSync(join(out, 'j.jsonl'), JSON.stringify({ version: 1, id: 'two', n: 'many' }) + '\n');
    expect(() => j.read()).toThrow(/j\.jsonl:2: field "n" Expected number/);
  });

  it('refuses other identity values, another command\'s directory, and a file given as --out', async () => {
    const out = join(dir, 'ident');
    const rd = RunDir.open({ dir: out, kind: 'eval', identity: { datasetSha256: 'aaa' }, config: { datasetSha256: 'aaa' }, journal: 'j.jsonl' });
    await rd.journal('j.jsonl', Rec).append({ id: 'x', n: 1 });
    rd.close();
    expect(() => RunDir.open({ dir: out, kind: 'eval', identity: { datasetSha256: 'bbb' }, config: {}, journal: 'j.jsonl' })).toThrow(/different "datasetSha256" \("aaa", now "bbb"\)/);
    expect(() => RunDir.open({ dir: out, kind: 'world', identity: {}, config: {}, journal: 'j.jsonl' })).toThrow(/holds a run-eval run/);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const err = (() => { try { RunDir.open({ dir: file, kind: 'eval', identity: {}, config: {}, journal: 'j.jsonl' }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`--out ${file}: exists and is not a directory`);
  });

  it('atomic writes use a private temporary name each (two writers never share one)', () => {
    const f = join(dir, 'atomic.json');
    for (let i = 0; i < 20; i++) writeFileAtomic(f, String(i));
    expect(readFileSync(f, 'utf8')).toBe('19');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });
});
