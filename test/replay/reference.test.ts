import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as benchCli } from '../../src/cli/run-bench.js';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../../src/config/world.js';
import { CONVCODEWORLD_TIMEOUT_S } from '../../src/feedback/constants.js';
import { runBench } from '../../src/replay/bench.js';
import { canonicalJson, fileSha256, sha256 } from '../../src/replay/canonical.js';
import { freezeReference } from '../../src/replay/freeze.js';
import { referenceFromRunDir } from '../../src/replay/from-run.js';
import { loadReference } from '../../src/replay/load.js';
import { writeReferenceFile } from '../../src/replay/reference-file.js';
import type { Reference } from '../../src/replay/types.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { fakeLiveRun, fakeStaticRun, SAMPLE, toConvCodeBenchRows, writePublishedJson, writePublishedParquet } from './helpers.js';

/** Errors tested here are raised before anything runs: a sandbox that must never be used. */
const noSandbox = new Proxy({}, { get: (_t, p) => (p === 'environmentId' ? () => 'none' : () => { throw new Error(`sandbox.${String(p)} called`); }) }) as Sandbox;

describe('frozen reference files', () => {
  let dir: string;
  let run: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-ref-'));
    run = fakeLiveRun(join(dir, 'live'), { setting: 'CF_EF_FULL_SEF', model: 'offline:0.3', maxTurns: 3, solvedAt: [0, 2, null, 1] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a run directory is a reference as it stands: versions, labels and the feedback each received', async () => {
    const loaded = await loadReference(run);
    const ref = loaded.reference;
    expect(ref.reference_model).toBe('offline:0.3');
    expect(ref.max_turns).toBe(3);
    expect(ref.dataset).toEqual({ name: 'sample-tasks.jsonl', sha256: fileSha256(SAMPLE) });
    const tasks = ref.settings.CF_EF_FULL_SEF!.tasks;
    expect(tasks.map((t) => t.task_id)).toEqual(['Sample/0', 'Sample/1', 'Sample/2', 'Sample/3']);
    const t1 = tasks[1]!;
    expect(t1.turns.map((t) => t.passed)).toEqual([false, false, true, true]);
    // Version 0's feedback is what the reference was shown at turn 1.
    const live = readFileSync(join(run, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(t1.turns[0]!.user_feedback).toBe(live[1].turns[1].feedback.user);
    expect(t1.turns[0]!.execution_feedback).toBe(live[1].turns[1].feedback.execution);
    expect(t1.turns[2]!.user_feedback).toBeNull(); // passed: no feedback followed
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('freeze -> load round trip keeps the payload and its hash (plain and gzip)', async () => {
    const fromRun = await loadReference(run);
    for (const name of ['ref.json', 'ref.json.gz']) {
      const file = join(dir, name);
      const r = await freezeReference({ run, out: file });
      expect(r.doc.format).toBe('codeconv-convcodebench-reference');
      expect(r.doc.version).toBe(2);
      expect(r.doc.payload.protocol).toBe('convcodeworld');
      const back = await loadReference(file);
      expect(back.reference).toEqual(fromRun.reference);
      expect(back.sha256).toBe(fromRun.sha256);
      expect(back.sha256).toBe(r.doc.content_sha256);
    }
    const text = readFileSync(join(dir, 'ref.json'), 'utf8');
    expect(text.startsWith('{"format":"codeconv-convcodebench-reference","version":2,"content_sha256":')).toBe(true);
  });

  it('a version-1 file (compat instead of protocol) still reads: compat convcodeworld is that protocol, none the clean one', async () => {
    const doc = JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8')) as { payload: Record<string, unknown> };
    for (const [compat, protocol] of [['convcodeworld', 'convcodeworld'], ['none', 'clean']] as const) {
      const { protocol: _p, prompts_sha256: _h, ...rest } = doc.payload;
      const payload = { ...rest, compat };
      const file = join(dir, `v1-${compat}.json`);
      writeFileSync(file, JSON.stringify({ format: 'codeconv-convcodebench-reference', version: 1, content_sha256: sha256(canonicalJson(payload)), payload }));
      const back = await loadReference(file);
      expect(back.reference.protocol).toBe(protocol);
      expect(back.reference.prompts_sha256).toBeNull();
    }
  });

  it('freeze merges run directories of several settings into one reference; mismatches are refused', async () => {
    const sef = fakeLiveRun(join(dir, 'live-sef'), { setting: 'CF_SEF', model: 'offline:0.3', maxTurns: 3, solvedAt: [1, null] });
    const file = join(dir, 'merged.json');
    const r = await freezeReference({ run: [run, sef], out: file });
    expect(r.settings.sort()).toEqual(['CF_EF_FULL_SEF', 'CF_SEF']);
    const back = await loadReference(file);
    expect(back.reference.settings.CF_SEF).toEqual((await loadReference(sef)).reference.settings.CF_SEF);
    expect(back.reference.settings.CF_EF_FULL_SEF).toEqual((await loadReference(run)).reference.settings.CF_EF_FULL_SEF);
    await expect(freezeReference({ run: [run, run], out: join(dir, 'x.json') })).rejects.toThrow(/setting CF_EF_FULL_SEF is already given/);
    const other = fakeLiveRun(join(dir, 'live-other'), { setting: 'CF_SEF', model: 'offline:0.9', maxTurns: 3, solvedAt: [1] });
    await expect(freezeReference({ run: [run, other], out: join(dir, 'x.json') })).rejects.toThrow(/different reference model/);
    const bench = (settings: string[]) => runBench({ reference: file, model: 'offline', out: join(dir, 'b-merged'), settings: ['CF_SNF'].concat(settings) }, { sandbox: noSandbox });
    await expect(bench([])).rejects.toThrow(/setting CF_SNF is not offered/);
  });

  it('an edited, truncated or mangled file is refused with a clear one-line error', async () => {
    const file = join(dir, 'ref.json');
    await freezeReference({ run, out: file });
    const text = readFileSync(file, 'utf8');

    const edited = join(dir, 'edited.json');
    writeFileSync(edited, text.replace('"passed":false', '"passed":true'));
    await expect(loadReference(edited)).rejects.toThrow(`reference file ${edited}: content hash mismatch (edited or truncated)`);

    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    await expect(loadReference(truncated)).rejects.toThrow(`reference file ${truncated}: content hash mismatch (edited or truncated)`);

    const gz = join(dir, 'truncated.json.gz');
    const z = gzipSync(text);
    writeFileSync(gz, z.subarray(0, z.length - 20));
    await expect(loadReference(gz)).rejects.toThrow(/content hash mismatch \(edited or truncated\)/);

    // Valid hash but a changed header field is still caught by the hash (hash covers the payload only; header is checked apart).
    const otherVersion = join(dir, 'v2.json');
    writeFileSync(otherVersion, text.replace('"version":2', '"version":3'));
    await expect(loadReference(otherVersion)).rejects.toThrow(/format version 3 is not supported/);
    expect(gunzipSync(readFileSync(join(dir, 'ref.json.gz'))).toString()).toBe(text);
  });

  it('a reference from another dataset version is refused (hash mismatch against --dataset)', async () => {
    const file = join(dir, 'ref.json');
    await freezeReference({ run, out: file });
    const other = join(dir, 'other-version.jsonl');
    writeFileSync(other, readFileSync(SAMPLE, 'utf8').replace('Count how often', 'Count how frequently'));
    const err = await runBench({ reference: file, model: 'offline', dataset: other, out: join(dir, 'b1') }, { sandbox: noSandbox }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('UserError');
    expect((err as Error).message).toMatch(/was recorded on dataset sample-tasks\.jsonl \(sha256 [0-9a-f]{12}\), but .*other-version\.jsonl has sha256 [0-9a-f]{12}: another dataset version/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('unsupported settings, settings the reference lacks, and out-of-range turns give clear errors', async () => {
    const bench = (over: Record<string, unknown>) => runBench({ reference: run, model: 'offline', out: join(dir, 'b2'), ...over }, { sandbox: noSandbox });
    for (const s of ['CF', 'CF_EF_FULL', 'CF_SNF']) {
      await expect(bench({ settings: [s] })).rejects.toThrow(`setting ${s} is not offered by ConvCodeBench`);
    }
    await expect(bench({ settings: ['CF_SEF'] })).rejects.toThrow(/holds no CF_SEF episodes \(it has CF_EF_FULL_SEF\)/);
    await expect(bench({ settings: ['NOPE'] })).rejects.toThrow(/unknown setting "NOPE"/);
    await expect(bench({ maxTurns: 5 })).rejects.toThrow(/--max-turns 5 exceeds the reference's 3 turns/);
    await expect(bench({ ids: ['Sample/7'] })).rejects.toThrow(/task Sample\/7 not in the reference/);
    const staticRun = fakeStaticRun(join(dir, 'static'), { setting: 'CF_SEF', model: 'offline:0.9', maxTurns: 1, target: [[false, true]], ref: [[false]] });
    await expect(runBench({ reference: staticRun, model: 'offline', out: join(dir, 'b4') }, { sandbox: noSandbox })).rejects.toThrow(/a run-bench \(static\) run cannot serve as a reference/);
    const cfOnly = fakeLiveRun(join(dir, 'cf'), { setting: 'CF_EF_FULL', model: 'offline:0.3', maxTurns: 2, solvedAt: [null] });
    await expect(runBench({ reference: cfOnly, model: 'offline', out: join(dir, 'b3') }, { sandbox: noSandbox })).rejects.toThrow(/holds no setting ConvCodeBench replays/);
  });

  it('the CLI prints such errors on one line and exits 2', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      process.exitCode = undefined;
      await benchCli(['--reference', run, '--model', 'offline', '--setting', 'CF_SNF', '--sandbox', 'local', '--quiet', '--out', join(dir, 'cli-err')]);
      expect(process.exitCode).toBe(2);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/^run-bench: setting CF_SNF is not offered by ConvCodeBench[^\n]*\n$/m);

      process.exitCode = undefined;
      const edited = join(dir, 'edited-cli.json');
      await freezeReference({ run, out: join(dir, 'cli.json') });
      writeFileSync(edited, readFileSync(join(dir, 'cli.json'), 'utf8').replace('"turn":1', '"turn":7'));
      await benchCli(['--reference', edited, '--model', 'offline', '--sandbox', 'local', '--quiet', '--out', join(dir, 'cli-err2')]);
      expect(process.exitCode).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain(`run-bench: reference file ${edited}: content hash mismatch (edited or truncated)\n`);

      process.exitCode = undefined;
      await benchCli(['freeze', '--run', run, '--out', join(dir, 'cli-frozen.json')]);
      expect(process.exitCode).toBeUndefined();
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/cli-frozen\.json: reference offline:0\.3, protocol convcodeworld, settings CF_EF_FULL_SEF, 4 tasks, 3 turns, 121 s per suite, simulator offline-user/);
    } finally {
      err.mockRestore();
      out.mockRestore();
      process.exitCode = undefined;
    }
  });
});

describe('published ConvCodeBench layout', () => {
  let dir: string;
  let reference: Reference;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-ccb-'));
    const run = fakeLiveRun(join(dir, 'live'), { setting: 'CF_EF_UNIT_SNF', model: 'offline:0.3', maxTurns: 3, solvedAt: [1, null, 3] });
    const run2 = fakeLiveRun(join(dir, 'live2'), { setting: 'CF_SEF', model: 'offline:0.3', maxTurns: 3, solvedAt: [0, 2, null] });
    reference = referenceFromRunDir(run).reference;
    reference.settings.CF_SEF = referenceFromRunDir(run2).reference.settings.CF_SEF!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the published layout can hold: versions 0..max_turns-1. */
  const expected = (ref: Reference): Reference['settings'] =>
    Object.fromEntries(Object.entries(ref.settings).map(([s, { tasks }]) => [s, { tasks: tasks.map((t) => ({ task_id: t.task_id, turns: t.turns.filter((v) => v.turn < ref.max_turns) })) }]));

  const str = (name: string, rep: 'OPTIONAL' | 'REQUIRED' = 'OPTIONAL') => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: rep });
  const record = () => [str('previous_code'), str('compilation_feedback'), str('execution_feedback'), str('verbal_feedback'), str('label')];

  it('parquet (rows = tasks, a MAP<ITER=k, record> column per setting) written with hyparquet-writer reads back into the same reference', async () => {
    const rows = toConvCodeBenchRows(reference);
    const settings = Object.keys(reference.settings);
    const schema = [
      { name: 'root', num_children: 1 + settings.length },
      str('task_id', 'REQUIRED'),
      ...settings.flatMap((s) => [
        { name: s, repetition_type: 'OPTIONAL' as const, converted_type: 'MAP' as const, num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED' as const, num_children: 2 },
        str('key', 'REQUIRED'),
        { name: 'value', repetition_type: 'OPTIONAL' as const, num_children: 5 },
        ...record(),
      ]),
    ];
    const buf = parquetWriteBuffer({
      columnData: [{ name: 'task_id', data: rows.map((r) => r.task_id) }, ...settings.map((s) => ({ name: s, data: rows.map((r) => r[s] ?? null) }))],
      schema,
      kvMetadata: [{ key: 'reference_model', value: 'offline:0.3' }, { key: 'user_model', value: 'offline-user' }],
    });
    const file = join(dir, 'convcodebench.parquet');
    writeFileSync(file, Buffer.from(buf));
    const back = await loadReference(file);
    expect(back.reference.source).toEqual({ kind: 'convcodebench-parquet', name: 'convcodebench.parquet' });
    expect(back.reference.reference_model).toBe('offline:0.3');
    expect(back.reference.user_model).toBe('offline-user');
    expect(back.reference.max_turns).toBe(3);
    expect(back.reference.dataset).toEqual({ name: 'bigcodebench-v0.1.0_hf.jsonl', sha256: null });
    // The published logs carry no time limit: the original's 121 s per suite, as a live run-world by default.
    expect(back.reference.timeout_s).toBe(121);
    expect(resolveWorldConfig([{ file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) }]).timeoutS).toBe(CONVCODEWORLD_TIMEOUT_S);
    // They were made by the original's code: its protocol, which a replay of them follows.
    expect(back.reference.protocol).toBe('convcodeworld');
    expect(back.reference.settings).toEqual(expected(reference));

    // Frozen with --dataset, it gains the dataset's name and hash; run-bench then checks them.
    const frozen = await freezeReference({ run: file, out: join(dir, 'from-parquet.json'), dataset: SAMPLE });
    expect(frozen.doc.payload.dataset).toEqual({ name: 'sample-tasks.jsonl', sha256: fileSha256(SAMPLE) });
    expect(frozen.doc.payload.settings).toEqual(expected(reference));
  });

  it('parquet with a STRUCT of ITER=k fields per setting (the HF dict feature) reads the same', async () => {
    const rows = toConvCodeBenchRows(reference);
    const iters = [1, 2, 3];
    const schema = [
      { name: 'root', num_children: 2 },
      str('task_id', 'REQUIRED'),
      { name: 'CF_SEF', repetition_type: 'OPTIONAL' as const, num_children: iters.length },
      ...iters.flatMap((k) => [{ name: `ITER=${k}`, repetition_type: 'OPTIONAL' as const, num_children: 5 }, ...record()]),
    ];
    const buf = parquetWriteBuffer({ columnData: [{ name: 'task_id', data: rows.map((r) => r.task_id) }, { name: 'CF_SEF', data: rows.map((r) => r.CF_SEF) }], schema });
    const file = join(dir, 'struct.parquet');
    writeFileSync(file, Buffer.from(buf));
    const back = await loadReference(file, { referenceModel: 'ref-x' });
    expect(back.reference.reference_model).toBe('ref-x');
    expect(back.reference.settings).toEqual({ CF_SEF: expected(reference).CF_SEF });
  });

  it('JSON: rows = tasks, and a single row whose cells list per-task records', async () => {
    const rows = toConvCodeBenchRows(reference);
    const f1 = join(dir, 'rows.json');
    writeFileSync(f1, JSON.stringify(rows));
    expect((await loadReference(f1)).reference.settings).toEqual(expected(reference));

    const single: Record<string, Record<string, unknown[]>> = {};
    for (const row of rows) {
      for (const s of Object.keys(reference.settings)) {
        for (const [k, rec] of Object.entries(row[s] as Record<string, object>)) {
          ((single[s] ??= {})[k] ??= []).push({ task_id: Number(String(row.task_id).split('/')[1]), ...rec });
        }
      }
    }
    const f2 = join(dir, 'single.json');
    writeFileSync(f2, JSON.stringify(single));
    const back = await loadReference(f2);
    // Numeric task ids become BigCodeBench/<n>.
    expect(back.reference.settings.CF_SEF!.tasks.map((t) => t.task_id)).toEqual(['BigCodeBench/0', 'BigCodeBench/1', 'BigCodeBench/2']);
    expect(back.reference.settings.CF_SEF!.tasks.map((t) => t.turns)).toEqual(expected(reference).CF_SEF!.tasks.map((t) => t.turns));
  });

  it('the published single-row layout: parquet lists of records and the datasets JSON of parallel lists read the same', async () => {
    const pq = join(dir, 'published.parquet');
    const js = join(dir, 'published.json');
    writePublishedParquet(pq, reference);
    writePublishedJson(js, reference);
    const fromParquet = await loadReference(pq, { referenceModel: 'offline:0.3' });
    expect(fromParquet.reference.settings).toEqual(expected(reference));

    const fromJson = await loadReference(js, { referenceModel: 'offline:0.3' });
    expect(fromJson.reference.settings).toEqual(fromParquet.reference.settings);
    expect(fromJson.reference.max_turns).toBe(fromParquet.reference.max_turns);

    const ragged = JSON.parse(readFileSync(js, 'utf8')) as Record<string, Record<string, Record<string, unknown[]>>>;
    ragged.CF_SEF!['ITER=1']!.label!.pop();
    writeFileSync(js, JSON.stringify(ragged));
    await expect(loadReference(js)).rejects.toThrow(/column CF_SEF, ITER=1: field label is not a list of 3 values like task_id/);
  });

  it('bad labels and shapes name the place', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify([{ task_id: 'Sample/0', CF_SEF: { 'ITER=1': { previous_code: 'x', label: 'maybe' } } }]));
    await expect(loadReference(f)).rejects.toThrow(/task Sample\/0, column CF_SEF, ITER=1: label "maybe" is not pass\/fail/);
    writeFileSync(f, JSON.stringify([{ task_id: 'Sample/0', nothing: 1 }]));
    await expect(loadReference(f)).rejects.toThrow(/no setting column/);
  });

  it('writeReferenceFile writes through a private temporary name: a leftover at a fixed one does not stop it', () => {
    const file = join(dir, 'squat.json.gz');
    mkdirSync(`${file}.tmp-${process.pid}`, { recursive: true }); // the name every writer of this process used
    const doc = writeReferenceFile(file, reference);
    expect(JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')).content_sha256).toBe(doc.content_sha256);
  });

  it('writeReferenceFile refuses a payload of the wrong shape', () => {
    expect(() => writeReferenceFile(join(dir, 'x.json'), { ...reference, max_turns: -1 })).toThrow();
  });
});
