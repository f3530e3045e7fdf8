import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { runEval } from '../../src/eval/run-eval.js';
import { OfflineReasoningModel } from '../../src/reasoning/offline.js';
import { runReasoning, scoreFile } from '../../src/reasoning/run.js';
import { runSynth } from '../../src/reasoning/synth/pipeline.js';
import { createRunLogger } from '../../src/report/run-log.js';
import { RunDir } from '../../src/run/run-dir.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { runWorld } from '../../src/world/run-world.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';

// Every command refuses another command's run directory before it writes anything in it.
const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
const DATA_DIR = join(__dirname, '..', '..', '..', 'shared', 'data');
const dir = mkdtempSync(join(tmpdir(), 'run-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(over: Record<string, unknown>): WorldConfig {
  return resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'test', values: { dataset: SAMPLE, cacheDir: join(dir, 'cache'), model: 'offline:0.5', limit: 2, maxTurns: 1, ...over } },
  ]);
}

/** Every file of a directory with its bytes and mtime: equal snapshots mean nothing was written. */
function snapshot(d: string): Record<string, string> {
  return Object.fromEntries(readdirSync(d).sort().map((f) => [f, `${statSync(join(d, f)).mtimeMs} ${readFileSync(join(d, f), 'utf8')}`]));
}

const worldDir = join(dir, 'world');
const evalDir = join(dir, 'eval');
beforeAll(async () => {
  await runWorld(config({ out: worldDir }), { sandbox: new FakeSandbox() });
  await runEval({ dataset: SAMPLE, canonical: true, ids: ['Sample/0'], out: evalDir, parallel: 1 }, { sandbox: new FakeSandbox() });
});

describe('a run directory says what it is and refuses other commands', () => {
  it('config.yaml starts with the kind', () => {
    expect(readFileSync(join(worldDir, 'config.yaml'), 'utf8').split('\n')[0]).toBe('kind: world');
    expect(readFileSync(join(evalDir, 'config.yaml'), 'utf8').split('\n')[0]).toBe('kind: eval');
  });

  it.skipIf(!existsSync(join(DATA_DIR, 'cruxeval')))('run-reasoning --out <a run-world run> is refused and the run is untouched', async () => {
    const before = snapshot(worldDir);
    const err = await runReasoning({ task: 'cruxeval-o', dataDir: DATA_DIR, n: 1, limit: 2, out: worldDir }, {
      model: (d) => new OfflineReasoningModel(1, 0, d), sandbox: new FakeSandbox(),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/holds a run-world run \(config\.yaml kind "world"\); nothing was written there/);
    expect(snapshot(worldDir)).toEqual(before);
  });

  it.skipIf(!existsSync(join(DATA_DIR, 'cruxeval')))('run-reasoning score --out <a run-world run> is refused', async () => {
    const gens = join(dir, 'g.json');
    writeFileSync(gens, JSON.stringify({ sample_0: ['1'] }));
    const before = snapshot(worldDir);
    await expect(scoreFile({ task: 'cruxeval-o', dataDir: DATA_DIR, generations: gens, out: worldDir }, { sandbox: new FakeSandbox() })).rejects.toThrow(/holds a run-world run/);
    expect(snapshot(worldDir)).toEqual(before);
  });

  it('run-eval --out <a run-world run> and run-world --out <a run-eval run> are refused; nothing changes', async () => {
    const w = snapshot(worldDir);
    await expect(runEval({ dataset: SAMPLE, canonical: true, out: worldDir, parallel: 1 }, { sandbox: new FakeSandbox() })).rejects.toThrow(/holds a run-world run/);
    expect(snapshot(worldDir)).toEqual(w);
    const e = snapshot(evalDir);
    await expect(runWorld(config({ out: evalDir }), { sandbox: new FakeSandbox() })).rejects.toThrow(/holds a run-eval run/);
    expect(snapshot(evalDir)).toEqual(e);
  });

  it('run-reasoning synth --out <a run-world run> is refused; a synth directory refuses run-world', async () => {
    const before = snapshot(worldDir);
    const model = (): never => { throw new Error('no model needed'); };
    await expect(runSynth({ out: worldDir, stage: 'build' }, { sandbox: new FakeSandbox(), model })).rejects.toThrow(/holds a run-world run/);
    expect(snapshot(worldDir)).toEqual(before);
    const synthDir = join(dir, 'synth');
    await expect(runSynth({ out: synthDir, stage: 'build' }, { sandbox: new FakeSandbox(), model })).rejects.toThrow(/run the filter stage first/);
    expect(existsSync(synthDir)).toBe(false); // nothing saved: not left behind
    mkdirSync(synthDir);
    writeFileSync(join(synthDir, 'synth-stats.json'), '{"synth_format": 1, "stages": {}}\n'); // written before synth had a config.yaml: adopted
    RunDir.open({ dir: synthDir, kind: 'synth', identity: {}, config: {}, journal: 'synth-stats.json', adopt: true }).close();
    await expect(runWorld(config({ out: synthDir }), { sandbox: new FakeSandbox() })).rejects.toThrow(/holds a run-reasoning synth run/);
  });

  it('a run-world directory whose summary.json is kept but whose episodes are gone still refuses another model', async () => {
    const copy = join(dir, 'world-copy');
    mkdirSync(copy);
    for (const f of ['config.yaml', 'summary.json']) writeFileSync(join(copy, f), readFileSync(join(worldDir, f)));
    await expect(runWorld(config({ out: copy, model: 'offline:0.9' }), { sandbox: new FakeSandbox() })).rejects.toThrow(/different "model"/);
  });

  it('results without a config.yaml are somebody\'s: refused', async () => {
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'summary.json'), '{}');
    await expect(runEval({ dataset: SAMPLE, canonical: true, out: bare, parallel: 1 }, { sandbox: new FakeSandbox() })).rejects.toThrow(/holds results \(summary\.json\) but no config\.yaml/);
    expect(readdirSync(bare)).toEqual(['summary.json']);
  });
});

describe('a failed start leaves no directory behind', () => {
  const failing = (): Sandbox => ({ ...new FakeSandbox(), kind: 'local', start: () => Promise.reject(new Error('engine gone')), environmentId: () => 'x', close: async () => undefined }) as unknown as Sandbox;

  it('a sandbox that cannot start: no directory, no run.log', async () => {
    const out = join(dir, 'new', 'deeper', 'run');
    const logger = createRunLogger(out, true);
    logger.info('starting');
    await expect(runWorld(config({ out }), { sandbox: failing(), logger })).rejects.toThrow('engine gone');
    await logger.close();
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('bad data (a turn-0 samples file without the tasks): no directory', async () => {
    const out = join(dir, 'bad-data');
    const samples = join(dir, 'empty-samples.jsonl');
    writeFileSync(samples, '');
    await expect(runWorld(config({ out, turn0Samples: samples }), { sandbox: new FakeSandbox() })).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
  });

  it('a directory that existed before is kept, and a run that saved something is kept', async () => {
    const out = join(dir, 'existing');
    mkdirSync(out);
    await expect(runWorld(config({ out }), { sandbox: failing() })).rejects.toThrow('engine gone');
    expect(existsSync(out)).toBe(true);
    const rd = RunDir.open({ dir: join(dir, 'kept'), kind: 'eval', identity: {}, config: {}, journal: 'j.jsonl' });
    rd.writeJson('summary.json', {});
    rd.close();
    expect(readdirSync(join(dir, 'kept')).sort()).toEqual(['config.yaml', 'summary.json']);
  });

  it('the run log is written once the run holds its directory', async () => {
    const out = join(dir, 'logged');
    const logger = createRunLogger(out, true);
    logger.info('before the directory');
    expect(existsSync(out)).toBe(false);
    await runWorld(config({ out }), { sandbox: new FakeSandbox(), logger });
    await logger.close();
    const log = readFileSync(join(out, 'run.log'), 'utf8');
    expect(log).toMatch(/before the directory\n.*run .*: 2 tasks/);
  });
});
