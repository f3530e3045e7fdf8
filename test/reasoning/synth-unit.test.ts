/** Case2Code synthesis: the parts that need no sandbox (reply parsing, offline writer, filter rules, sample layout). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSamples, shownOutput } from '../../src/reasoning/synth/build.js';
import { rawOutput } from '../../src/reasoning/synth/execute.js';
import { filterRows, parseRawOutput } from '../../src/reasoning/synth/filter.js';
import { OfflineInputWriter, writeExamples, type FunctionFacts } from '../../src/reasoning/synth/offline-writer.js';
import { examplesFromReply, firstDefName, writeInputsPrompt } from '../../src/reasoning/synth/prompt.js';
import type { ExecutedRow, FilteredRow } from '../../src/reasoning/synth/records.js';
import { writeRowsAtomic } from '../../src/reasoning/synth/stage-io.js';

const facts: FunctionFacts = {
  name: 'pad',
  params: [
    { name: 'text', kind: 'normal', hints: ['str'] },
    { name: 'width', kind: 'normal', hints: [], default: '8', default_type: 'int' },
  ],
  literals: [{ type: 'str', text: "'-'" }, { type: 'int', text: '3' }],
};

function executed(id: string, records: { r: string; exc: boolean }[], over: Partial<ExecutedRow> = {}): ExecutedRow {
  return {
    prompt: '', gen_answer_id: id, completions: '', num_gen_tokens: 0, task: 'write_testcase',
    data: { id, content: 'def f(x):\n    return x\n', import_code: [] }, check_result: true, retry_time: 0,
    example_str: 'examples = []', code: 'def f(x):\n    return x\n', func_name: 'f',
    exec_raw_output: rawOutput(records.map((_, i) => JSON.stringify(`{'x': ${i}}`)), records), exec_status: true,
    parsed_inputs: records.map((_, i) => [['x', String(i)]]), ...over,
  };
}

describe('synth: input-writing reply', () => {
  it('takes the text between the first python fence and the next fence, else the whole reply', () => {
    expect(examplesFromReply('intro\n```python\nexamples = [dict(a=1)]\n```\nmore ```python\nx\n```')).toBe('examples = [dict(a=1)]');
    expect(examplesFromReply('```python\nexamples = [dict(a=1)]')).toBe('examples = [dict(a=1)]');
    expect(examplesFromReply('examples = [dict(a=2)]')).toBe('examples = [dict(a=2)]');
    expect(firstDefName('import re\n\ndef words(t):\n    return t\n')).toBe('words');
  });

  it('the offline writer reads its facts by source and writes ten distinct calls with named arguments', async () => {
    const lines = writeExamples(facts);
    expect(lines).toHaveLength(10);
    expect(new Set(lines).size).toBe(10);
    expect(lines.every((l) => /^dict\(text=/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("text='-'"))).toBe(true); // a body literal of the right type
    expect(lines.some((l) => !l.includes('width='))).toBe(true); // the default exercised
    const src = 'def pad(text, width=8):\n    return text.rjust(width)';
    const writer = new OfflineInputWriter((s) => (s === src ? facts : undefined));
    const g = await writer.generate([{ role: 'user', content: writeInputsPrompt(src) }], { role: 'reasoner' });
    expect(examplesFromReply(g.text)).toMatch(/^examples = \[\n {4}dict\(/);
    const unknown = await writer.generate([{ role: 'user', content: writeInputsPrompt('def other(a):\n    return a') }], { role: 'reasoner' });
    expect(unknown.text).toBe('');
  });
});

describe('synth: filter rules', () => {
  it('applies the original rules and ours, counting each', () => {
    const ok = [{ r: '"1"', exc: false }, { r: '<|EXCEPTION|> "<class \'ValueError\'>: bad"', exc: true }, { r: '"3"', exc: false }];
    const rows: ExecutedRow[] = [
      executed('kept', ok),
      executed('failed', [], { exec_status: false, exec_raw_output: 'def_failed: NameError' }),
      executed('nomarker', ok, { exec_raw_output: 'garbage' }),
      executed('count', ok, { exec_raw_output: rawOutput(['"a"'], ok) }),
      executed('allexc', ok.map(() => ({ r: '<|EXCEPTION|> "x"', exc: true }))),
      executed('few', ok.slice(0, 2)),
      executed('dup', ok),
    ];
    rows.push(executed('badret', ok, { exec_raw_output: rows[0]!.exec_raw_output.replace('<|RETURN|> "3"', '"3"') }));
    const { kept, dropped } = filterRows(rows, 3);
    expect(kept.map((r) => r.gen_answer_id)).toEqual(['kept']);
    expect(dropped).toEqual({ exec_status_false: 1, missing_marker: 1, input_output_count: 1, all_exceptions: 1, too_few_cases: 1, duplicate_row: 1, unparsable_return: 1 });
    expect(kept[0]!.example_outputs).toEqual([{ return: '"1"' }, { error: '<|EXCEPTION|> "<class \'ValueError\'>: bad"' }, { return: '"3"' }]);
    expect('exec_raw_output' in kept[0]!).toBe(false);
    const parsed = parseRawOutput(rows[0]!);
    expect(typeof parsed === 'object' && parsed.inputs).toEqual(['"{\'x\': 0}"', '"{\'x\': 1}"', '"{\'x\': 2}"']);
  });
});

describe('synth: sample layout', () => {
  const row = (id: string): FilteredRow => {
    const { exec_raw_output: _r, ...rest } = executed(id, [{ r: '"1"', exc: false }, { r: '"2"', exc: false }, { r: '<|EXCEPTION|> "<class \'KeyError\'>: 3"', exc: true }, { r: '"4"', exc: false }]);
    return { ...rest, example_inputs: ['a', 'b', 'c', 'd'], example_outputs: [{ return: '"1"' }, { return: '"2"' }, { error: '<|EXCEPTION|> "<class \'KeyError\'>: 3"' }, { return: '"4"' }] };
  };

  it('--for-eval writes the published test set layout', () => {
    const { samples } = buildSamples([row('r1')], { forEval: true, seed: 0 });
    const s = samples[0]! as Record<string, unknown>;
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'func_name', 'code', 'example_str', 'example_inputs', 'example_outputs', 'parsed_inputs', 'exec_code', 'prompt', 'output', 'choosed_example_idx']));
    const lines = String(s.prompt).split('\n').filter(Boolean);
    expect(lines).toContain('Write a function that generates the output from the input.');
    expect(lines).toContain('Function: f');
    const idx = s.choosed_example_idx as number[];
    expect(idx.length).toBeGreaterThanOrEqual(3);
    for (const i of idx) expect(lines).toContain(`Input: dict(x=${i}), Output: ${shownOutput(row('r1').example_outputs[i]!)}`);
    expect(shownOutput({ error: '<|EXCEPTION|> "<class \'KeyError\'>: 3"' })).toBe('"<class \'KeyError\'>: 3"');
    expect(s.output).toBe('The function is:\n\n```python\ndef f(x):\n    return x\n\n```');
  });

  it('training samples are {id, prompt, output}, reproducible for a seed and varied across rows', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`r${i}`));
    const a = buildSamples(rows, { forEval: false, seed: 1 }).samples;
    expect(buildSamples(rows, { forEval: false, seed: 1 }).samples).toEqual(a);
    expect(Object.keys(a[0]!).sort()).toEqual(['id', 'output', 'prompt', 'synth_format']);
    expect(new Set(a.map((s) => s.prompt)).size).toBeGreaterThan(10);
  });
});

describe('synth: stage files', () => {
  it('a whole stage file is written through a private temporary name (a leftover at a fixed one does not stop it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-stage-'));
    try {
      const file = join(dir, 'filtered.jsonl');
      mkdirSync(`${file}.tmp`); // the name every writer used to share
      writeRowsAtomic(file, [{ a: 1 }, { a: 2 }]);
      expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
