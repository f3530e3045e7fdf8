/**
 * Case2Code synthesis end to end through the local sandbox: crafted functions that must be dropped
 * (non-deterministic, slow, memory-hungry, huge outputs, process exits, object addresses, duplicates)
 * plus functions of the published test set; then every kept output of a random subset is checked by
 * rerunning the built samples in a fresh sandbox, and the --for-eval file is scored by run-reasoning.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/run-reasoning.js';
import { OfflineReasoningModel } from '../../src/reasoning/offline.js';
import { judgePreload } from '../../src/reasoning/preload.js';
import { runReasoning } from '../../src/reasoning/run.js';
import { offlineWriterFor } from '../../src/reasoning/synth/inputs.js';
import { runSynth, type SynthOptions } from '../../src/reasoning/synth/pipeline.js';
import { ExecLimitsSchema } from '../../src/reasoning/synth/records.js';
import { rerunSamples, sampleSubset, verifySynthSamples, type EvalSample } from '../../src/reasoning/synth/verify.js';
import { createSandbox } from '../../src/sandbox-factory/create.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { cliRunner } from '../helpers/cli.js';
import { dataDir, missing, noteSkip } from './helpers.js';

const skip = missing('data/case2code/test.jsonl');
noteSkip(skip);
const fixtures = new URL('./synth-fixtures/', import.meta.url).pathname;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'synth-'));
const sandboxes: Sandbox[] = [];
const newSandbox = (): Sandbox => {
  const s = createSandbox({ kind: 'local', parallel: 2, preload: judgePreload('case2code')! });
  sandboxes.push(s);
  return s;
};
afterAll(async () => { await Promise.all(sandboxes.map((s) => s.close())); });

const jsonl = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe.skipIf(!!skip)('synth pipeline (local sandbox)', () => {
  const out = tmp();
  const raw = join(out, 'raw.jsonl');
  const published = jsonl(join(dataDir, 'case2code/test.jsonl')).slice(0, 30);
  writeFileSync(raw, readFileSync(join(fixtures, 'crafted.jsonl'), 'utf8') + published.map((r) => JSON.stringify({ id: r.id, content: r.code, import_code: [] }) + '\n').join(''));
  const sandbox = newSandbox();
  const opts: SynthOptions = {
    from: raw, out, stage: 'all', forEval: true, limits: ExecLimitsSchema.parse({}), concurrency: 4, parallel: 2, seed: 0,
  };
  const deps = { sandbox, model: (rows: Parameters<typeof offlineWriterFor>[0]) => offlineWriterFor(rows, sandbox) };
  let first: Awaited<ReturnType<typeof runSynth>>;
  const byId = (): Map<string, Record<string, unknown>> => new Map(jsonl(join(out, 'executed.jsonl')).map((r) => [String(r.gen_answer_id), r]));
  const samples = (): Record<string, unknown>[] => jsonl(join(out, 'samples.jsonl'));

  it('runs all stages and drops what cannot be reproduced, with a reason for each', async () => {
    first = await runSynth(opts, deps);
    const ex = byId();
    const note = (id: string) => ex.get(id)!.synth_exec as { reason: string | null; dropped_inputs: Record<string, number>; rewritten: boolean };
    expect(note('nondet_random').reason).toBe('nondeterministic');
    expect(note('nondet_set_order').reason).toBe('nondeterministic'); // string-hash seed differs in the second run
    expect(note('slow_some').dropped_inputs.call_timeout).toBeGreaterThan(0);
    expect(note('slow_some').rewritten).toBe(true);
    expect(String(ex.get('slow_some')!.example_str)).not.toMatch(/n=(42|100)\b/);
    expect(note('hungry').dropped_inputs.memory_cap).toBeGreaterThan(0);
    expect(note('big_output').dropped_inputs.output_too_large).toBeGreaterThan(0);
    expect(note('exits').dropped_inputs.base_exception).toBe(1);
    expect(note('address').dropped_inputs.memory_address).toBeGreaterThan(0);
    expect(note('stack_depth').reason).toBe('nondeterministic'); // the second run has a deeper stack
    expect(note('clock').reason).toBe('nondeterministic'); // the second run starts a clock second later
    // Outputs that show the machine's name are dropped; names under 4 characters are not matched.
    if (hostname().length >= 4) expect(note('host').dropped_inputs.host_name).toBe(10);
    else expect(note('host').reason).toBeNull();
    const s = first.stages;
    expect(s.execute!.dropped.nondeterministic).toBeGreaterThanOrEqual(4);
    expect(s.filter!.dropped.all_exceptions).toBeGreaterThanOrEqual(1);
    expect(s.filter!.dropped.duplicate_row).toBe(1);
    expect(s.build!.kept).toBe(samples().length);
    const ids = samples().map((r) => r.id);
    expect(ids).not.toContain('always_raises');
    expect(ids.filter((i) => i === 'uses_import' || i === 'dup_of_uses_import')).toHaveLength(1);
    const printed = samples().find((r) => r.id === 'prints_then_raises')!;
    expect(JSON.stringify(printed.example_outputs)).toContain('checking -1\\n<|EXCEPTION|>');
    expect(s.build!.kept).toBeGreaterThan(25);
  }, 300_000);

  it('a second run resumes every row and writes the same samples', async () => {
    const before = samples();
    const again = await runSynth(opts, deps);
    const rows = readFileSync(raw, 'utf8').split('\n').filter(Boolean).length;
    expect(again.stages.inputs!.resumed).toBe(rows);
    expect(again.stages.execute!.resumed).toBe(rows);
    expect(samples()).toEqual(before);
    // synth-stats.json is a RunDir record: the format version in front, read back and written whole.
    const stats = JSON.parse(readFileSync(join(out, 'synth-stats.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(stats)[0]).toBe('version');
    expect(stats.version).toBe(1);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  }, 120_000);

  it('every kept output equals what the function returns when the sample is rerun in a fresh sandbox', async () => {
    const all = samples() as unknown as EvalSample[];
    // named_r: the scorer's loop rebinds the global `r`, so only its first call returns a value.
    const named = all.find((s) => s.id === 'named_r')!;
    expect(named.example_outputs.slice(1).every((o) => 'error' in o && o.error.includes('is not callable'))).toBe(true);
    const subset = [...sampleSubset(all.filter((s) => s !== named), 14, 7), named];
    const results = await rerunSamples(subset, newSandbox());
    expect(results.filter((r) => r.outcome.status !== 'correct')).toEqual([]);
    expect(results).toHaveLength(15);
    // The check can fail: one changed output is caught.
    const tampered = { ...subset[0]!, example_outputs: subset[0]!.example_outputs.map((o, i) => (i === 0 ? { return: '"tampered"' } : o)) };
    const [bad] = await rerunSamples([tampered], newSandbox());
    expect(bad!.outcome.status).toBe('output mismatch');
  }, 300_000);

  it('builds the input writer from options.model in the core (no model from the caller)', async () => {
    const again = tmp();
    const r = await runSynth({ from: raw, out: again, stage: 'inputs', limit: 5, model: 'offline:1', concurrency: 4, parallel: 2 }, { sandbox });
    expect(r.stages.inputs!.in).toBe(5);
    const mine = jsonl(join(again, 'inputs.jsonl'));
    const firstRun = new Map(jsonl(join(out, 'inputs.jsonl')).map((row) => [row.gen_answer_id, row]));
    expect(mine.map((row) => row.gen_answer_id)).toHaveLength(5);
    for (const row of mine) expect(row).toEqual(firstRun.get(row.gen_answer_id));
    await expect(runSynth({ from: raw, out: tmp(), stage: 'inputs', limit: 1 }, { sandbox })).rejects.toThrow(/needs a model/);
  }, 300_000);

  it('verifySynthSamples (scripts/synth-verify.mjs) reruns a seeded subset of the file with the case2code judges', async () => {
    const r = await verifySynthSamples({ samples: join(out, 'samples.jsonl'), n: 6, seed: 3, sandbox: 'local', parallel: 2 });
    expect({ total: r.total, rerun: r.rerun.length, differ: r.rerun.filter((x) => x.outcome.status !== 'correct') }).toEqual({ total: samples().length, rerun: 6, differ: [] });
    await expect(verifySynthSamples({ samples: raw, sandbox: 'local' })).rejects.toThrow(/not a --for-eval sample/);
  }, 300_000);

  it('the --for-eval file is scored by the case2code task unchanged (reference code gets 100)', async () => {
    const data = tmp();
    mkdirSync(join(data, 'case2code'));
    writeFileSync(join(data, 'case2code/test.jsonl'), readFileSync(join(out, 'samples.jsonl')));
    const r = await runReasoning({ task: 'case2code', dataDir: data, n: 1, out: tmp() }, { model: (d) => new OfflineReasoningModel(1, 0, d), sandbox });
    expect(r.summary.counts.samples).toBe(samples().length);
    expect(r.summary.pass_at_k.pass_at_1).toBe(100);
  }, 300_000);
});

describe('run-reasoning synth CLI: user mistakes', () => {
  const { run, stderr } = cliRunner(main);

  it('a raw row without content names the file, line and field (exit 2)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'raw.jsonl'), '{"id": "a", "content": "def f(x):\\n    return x\\n"}\n{"id": "b"}\n');
    expect(await run('synth', '--from', join(dir, 'raw.jsonl'), '--model', 'offline', '--out', join(dir, 'o'), '--sandbox', 'local')).toBe(2);
    expect(stderr()).toMatch(/raw\.jsonl:2: field "content" Required/);
    expect(stderr().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('a stage without its input says which stage to run first (exit 2)', async () => {
    const dir = tmp();
    expect(await run('synth', '--stage', 'filter', '--out', dir, '--sandbox', 'local')).toBe(2);
    expect(stderr()).toMatch(/executed\.jsonl: no such file \(run the execute stage first, or pass --from\)/);
  });
});
