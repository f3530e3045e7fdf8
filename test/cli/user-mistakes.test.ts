import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/common.js';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../../src/config/world.js';
import { runEval } from '../../src/eval/run-eval.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { loadTasks } from '../../src/tasks/bigcodebench.js';
import { UserError } from '../../src/util/errors.js';

// Issue 16, defects 6 and 7: config errors name the file and key; user mistakes print one line, exit 2.
const dir = mkdtempSync(join(tmpdir(), 'user-mistakes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The layers run-world builds: defaults, --config, then every command-line option (unset ones undefined). */
function fromFile(yaml: string, given: Record<string, unknown> = {}): () => unknown {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const cli = { model: undefined, maxTurns: undefined, setting: undefined, dataset: undefined, sandbox: { kind: undefined, parallel: undefined, queue: undefined }, ...given };
  return () => resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file, values: readYamlConfig(file) },
    { file: 'command line', values: cli },
  ]);
}

async function cli(body: () => Promise<void>): Promise<{ code: number | undefined; err: string }> {
  const out: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const errLog = console.error;
  process.stderr.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stderr.write;
  console.error = (...a: unknown[]) => { out.push(a.map(String).join(' ') + '\n'); };
  const before = process.exitCode;
  try {
    await runCli('test-cli', body);
    return { code: process.exitCode as number | undefined, err: out.join('') };
  } finally {
    process.stderr.write = write;
    console.error = errLog;
    process.exitCode = before;
  }
}

describe('config file errors name the file and the key', () => {
  it('an unknown key in --config', () => {
    const load = fromFile('maxTurns: 3\nsurprise: 1\n');
    expect(load).toThrow(UserError);
    expect(load).toThrow(/^\/.*\.yaml: key "surprise": Unrecognized key/);
  });
  it('a bad value in --config, while the command line does not set that key', () => {
    expect(fromFile('maxTurns: ten\n')).toThrow(/\.yaml: key "maxTurns": Expected number/);
    expect(fromFile('sandbox:\n  kind: vm\n')).toThrow(/\.yaml: key "sandbox\.kind"/);
  });
  it('a bad value in --config is reported even when the command line overrides it', () => {
    expect(fromFile('maxTurns: ten\n', { maxTurns: 2 })).toThrow(/\.yaml: key "maxTurns": Expected number/);
    expect(fromFile('surprise: 1\n', { maxTurns: 2 })).toThrow(/\.yaml: key "surprise": Unrecognized key/);
  });
  it('a rule across keys waits for the last layer: kind queue in the file, its URL on the command line', () => {
    const cfg = fromFile('sandbox:\n  kind: queue\n', { sandbox: { queue: 'redis://127.0.0.1:6379' } })() as { sandbox: { kind: string; queue: string } };
    expect(cfg.sandbox).toMatchObject({ kind: 'queue', queue: 'redis://127.0.0.1:6379' });
    expect(fromFile('sandbox:\n  kind: queue\n')).toThrow(/key "sandbox\.queue": kind queue needs sandbox\.queue/);
  });
});

describe('user mistakes print one line and exit 2', () => {
  it('--dataset naming a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(() => loadTasks(folder)).toThrow(new UserError('EISDIR', `${folder}: is a directory, not a file`));
    const unreachable = {} as Sandbox;
    const r = await cli(async () => { await runEval({ dataset: folder, canonical: true, timeoutS: 5, out: join(dir, 'o'), parallel: 1 }, { sandbox: unreachable }); });
    expect(r).toEqual({ code: 2, err: `test-cli: ${folder}: is a directory, not a file\n` });
  });
  it('--out naming an existing file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const unreachable = { environmentId: () => 'x' } as unknown as Sandbox;
    const dataset = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
    const r = await cli(async () => { await runEval({ dataset, canonical: true, ids: ['Sample/0'], timeoutS: 5, out: file, parallel: 1 }, { sandbox: unreachable }); });
    expect(r).toEqual({ code: 2, err: `test-cli: --out ${file}: exists and is not a directory\n` });
  });
  it('a file-system refusal that reaches the CLI is one line naming the path, not a stack', async () => {
    const r = await cli(async () => { mkdirSync(join(dir, 'a-file', 'below'), { recursive: true }); });
    expect(r.code).toBe(2);
    expect(r.err).toBe(`test-cli: ${join(dir, 'a-file', 'below')}: a part of the path is not a directory\n`);
  });
});

describe('subcommand options', () => {
  it('a bad value for an option of run-repo\'s default subcommand is one line and exit 2, as for the other commands', async () => {
    const { spawnSync } = await import('node:child_process');
    const { projectRoot } = await import('../../src/sandbox/paths.js');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-repo.ts'), '--benchmark', 'nope'], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/option '--benchmark <name>' argument 'nope' is invalid/)]);
  });
});

describe('retired protocol options', () => {
  it('run-world --compat and --turn0-prompt are one line naming --protocol, exit 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const { projectRoot } = await import('../../src/sandbox/paths.js');
    for (const args of [['--compat', 'convcodeworld'], ['--turn0-prompt', 'bigcodebench']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/run-world.ts'), ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`run-world: ${args[0]} was replaced by --protocol (convcodeworld, the default and the leaderboard's, or clean)`]);
    }
  }, 120_000);

  it('a config file still using compat is one line naming the file, the key and protocol', () => {
    expect(fromFile('compat: convcodeworld\n')).toThrow(/c\w+\.yaml: key "compat" was replaced by "protocol"/);
  });
});
