/**
 * An interrupted synth stage (inputs, execute) resumes through the run skeleton: the torn last
 * line is cut, finished rows are not redone, and the stage file ends up byte for byte as an
 * uninterrupted run's (rows keep the original's layout: no format version added).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgePreload } from '../../src/reasoning/preload.js';
import { offlineWriterFor } from '../../src/reasoning/synth/inputs.js';
import { runSynth, type SynthOptions } from '../../src/reasoning/synth/pipeline.js';
import type { RawRow } from '../../src/reasoning/synth/records.js';
import { createSandbox } from '../../src/sandbox-factory/create.js';

const raw = new URL('./synth-fixtures/crafted.jsonl', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'synth-resume-'));
const sandbox = createSandbox({ kind: 'local', parallel: 1, preload: judgePreload('case2code')! });
afterAll(async () => {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
});

/** A run of one stage, with the ids of the rows it wrote and the functions the writer was asked about. */
async function stage(out: string, which: 'inputs' | 'execute', from: string): Promise<{ wrote: string[]; asked: number; resumed?: number }> {
  const wrote: string[] = [];
  let asked = 0;
  const model = async (rows: RawRow[]) => {
    const m = await offlineWriterFor(rows, sandbox);
    const generate = m.generate.bind(m);
    m.generate = (msgs, o) => { asked++; return generate(msgs, o); };
    return m;
  };
  const opts: SynthOptions = { from, out, stage: which, concurrency: 4, parallel: 1 };
  const reporter = { onItemEnd: (e: { record: unknown }) => wrote.push(String((e.record as { gen_answer_id: string }).gen_answer_id)) };
  const stats = await runSynth(opts, { sandbox, model, reporter });
  return { wrote, asked, resumed: stats.stages[which]!.resumed };
}

/** The finished stage file copied to `out` with its first `n` lines and half the next, as a kill mid-write leaves it. */
function interrupt(from: string, out: string, n: number): string[] {
  const file = join(out, basename(from));
  mkdirSync(out, { recursive: true });
  copyFileSync(from, file);
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, lines.slice(0, n).join('\n') + '\n' + lines[n]!.slice(0, 40));
  return lines.filter(Boolean).map((l) => String((JSON.parse(l) as { gen_answer_id: string }).gen_answer_id));
}

describe('an interrupted synth stage resumes row by row', () => {
  const full = join(root, 'full');
  const cut = join(root, 'cut');

  it('inputs: the rows already written are skipped and the file equals an uninterrupted run', async () => {
    const first = await stage(full, 'inputs', raw);
    expect(first.wrote).toHaveLength(15);
    const want = readFileSync(join(full, 'inputs.jsonl'), 'utf8');
    expect(want.split('\n')[0]).not.toContain('"version"');
    const ids = interrupt(join(full, 'inputs.jsonl'), cut, 6);
    const again = await stage(cut, 'inputs', raw);
    expect(again.resumed).toBe(6);
    expect(again.wrote).toEqual(ids.slice(6));
    expect(again.asked).toBeLessThan(first.asked);
    expect(readFileSync(join(cut, 'inputs.jsonl'), 'utf8')).toBe(want);
  }, 120_000);

  it('execute: the rows already written are skipped and the file equals an uninterrupted run', async () => {
    const input = join(full, 'inputs.jsonl');
    await stage(full, 'execute', input);
    const want = readFileSync(join(full, 'executed.jsonl'), 'utf8');
    const ids = interrupt(join(full, 'executed.jsonl'), cut, 5);
    const again = await stage(cut, 'execute', input);
    expect(again.resumed).toBe(5);
    expect(again.wrote).toEqual(ids.slice(5));
    expect(readFileSync(join(cut, 'executed.jsonl'), 'utf8')).toBe(want);
    // Every row finished: a third run writes nothing.
    expect((await stage(cut, 'execute', input)).wrote).toEqual([]);
  }, 120_000);
});
