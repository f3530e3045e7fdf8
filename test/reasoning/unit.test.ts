/** Pure parts of the reasoning benchmarks: post-processing, pass@k, loaders, prompts, offline model. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTaskName, loadTask, parseJsonWithNaN } from '../../src/reasoning/data.js';
import { OfflineReasoningModel, splitTopLevel, wrongLiteral } from '../../src/reasoning/offline.js';
import { extractCode, postprocess, postprocessAnswer, pyStrip } from '../../src/reasoning/postprocess.js';
import { buildMessages, PROMPT_DIR, stopSequences } from '../../src/reasoning/prompts.js';
import { readGenerationsFile, selectItems } from '../../src/reasoning/run.js';
import { applyScorer, checkProgram, filterReason, validateGenerations, type Verdict } from '../../src/reasoning/scoring.js';
import { REASONING_TASKS, type CruxItem } from '../../src/reasoning/types.js';
import { UserError } from '../../src/util/errors.js';
import { dataDir, missing, noteSkip } from './helpers.js';

describe('post-processing', () => {
  it('output task: text after the first ==, stripped', () => {
    expect(postprocessAnswer("assert f('a') == 'b'", 'output', false)).toBe("'b'");
    expect(postprocessAnswer('  [1, 2]  \n', 'output', false)).toBe('[1, 2]');
    // Python split semantics: a second == ends the kept part.
    expect(postprocessAnswer('assert f(1) == 2 == 2', 'output', false)).toBe('2');
  });

  it('input task: text before ==, then f + what follows "assert f"', () => {
    expect(postprocessAnswer("assert f('x', 3) == 'y'", 'input', false)).toBe("f('x', 3)");
    expect(postprocessAnswer('f(1, 2)', 'input', false)).toBe('f(1, 2)');
    expect(postprocessAnswer('assert  f(1)', 'input', false)).toBe('assert  f(1)');
    expect(postprocessAnswer('assert f (1) == 2', 'input', false)).toBe('f(1)');
  });

  it('stops at [/ANSWER]', () => {
    expect(postprocessAnswer('assert f(1) == 2\n[/ANSWER]\nassert f(1) == 3', 'output', false)).toBe('2');
    expect(postprocessAnswer('assert f(1) == 2\n[/ANSWER]', 'input', false)).toBe('f(1)');
  });

  it('CoT: the text after the first [ANSWER], else the last line', () => {
    const raw = '[THOUGHT]\nx == 1 so ...\n[/THOUGHT]\n[ANSWER]\nassert f(1) == [1]\n[/ANSWER]';
    expect(postprocessAnswer(raw, 'output', true)).toBe('[1]');
    expect(postprocessAnswer(raw.replace('f(1) == [1]', 'f([2]) == 5'), 'input', true)).toBe('f([2])');
    expect(postprocessAnswer('thinking\nassert f(1) == 4', 'output', true)).toBe('assert f(1) == 4');
  });

  it('Python strip semantics', () => {
    expect(pyStrip('\u00a0 x \x1c')).toBe('x');
    expect(pyStrip('\ufeffx')).toBe('\ufeffx');
  });

  it('Case2Code code extraction', () => {
    expect(extractCode('Sure:\n```python\ndef f():\n    return 1\n```\ntext ```python\nx\n```')).toBe('def f():\n    return 1');
    expect(extractCode('```Python\ndef g(): pass\n```')).toBe('def g(): pass');
    expect(extractCode('```\ndef h(): pass\n```')).toBe('def h(): pass');
    expect(extractCode('```python\ndef k(): pass')).toBe('def k(): pass');
    expect(extractCode('  def z(): pass  ')).toBe('def z(): pass');
    expect(postprocess('[THOUGHT]\n```python\nwrong\n```\n[/THOUGHT]\n```python\nright\n```', 'code', true)).toBe('right');
  });
});

describe('scorer versions', () => {
  const judged = (pass: boolean): Verdict => ({ kind: 'judged', pass, timedOut: false });
  const filtered: Verdict = { kind: 'filtered', reason: 'x' };
  it('v1 keeps filtered as False; v2 drops them unless nothing passes', () => {
    expect(applyScorer([filtered, judged(true), judged(false)], 'v1')).toEqual([false, true, false]);
    expect(applyScorer([filtered, judged(true), judged(false)], 'v2')).toEqual([true, false]);
    expect(applyScorer([filtered, judged(false), filtered], 'v2')).toEqual([false, false, false]);
  });

  it('CRUXEval filters: input needs a call of f, output must not contain the call', () => {
    const item: CruxItem = { family: 'cruxeval', id: 'sample_0', code: 'def f(x):\n    return x', input: '1', output: '1' };
    expect(filterReason(item, 'input', '1')).toBeDefined();
    expect(filterReason(item, 'input', 'f(1)')).toBeUndefined();
    expect(filterReason(item, 'output', 'f(1)')).toBeDefined();
    expect(filterReason(item, 'output', '1')).toBeUndefined();
    expect(checkProgram(item, 'f(1)').code).toBe('def f(x):\n    return x\nassert 1 == f(1)');
    expect(checkProgram(item, 'f(1)').timeoutS).toBe(3);
  });
});

describe('JSON with NaN', () => {
  it('turns bare NaN / Infinity into null, leaves strings alone', () => {
    expect(parseJsonWithNaN('[NaN, "NaN", {"a": -Infinity, "b": "x\\"NaN"}, Infinity]')).toEqual([null, 'NaN', { a: null, b: 'x"NaN' }, null]);
  });
});

describe('task names', () => {
  it('an unknown task is a UserError listing the valid names', () => {
    expect(() => checkTaskName('cruxeval')).toThrow(UserError);
    try {
      checkTaskName('nope');
    } catch (e) {
      for (const t of REASONING_TASKS) expect((e as Error).message).toContain(t);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

const skipData = missing('data/cruxeval/cruxeval.jsonl', 'data/codeglance/DS1000_reasoning.jsonl', 'data/codeglance/PanNumEval_RAG.json', 'data/case2code/test.jsonl');
noteSkip(skipData);

describe.skipIf(!!skipData)('loaders (real data)', () => {
  it('loads every task with the documented sizes', () => {
    const sizes: Record<string, number> = {
      'cruxeval-o': 800, 'cruxeval-i': 800, 'codeglance-ds1000': 1019, 'codeglance-pannum': 50,
      'codeglance-monkbeat': 50, 'codeglance-torchdata': 50, case2code: 500,
    };
    for (const name of REASONING_TASKS) expect(loadTask(name, { dataDir }).items.length, name).toBe(sizes[name]);
    const ds = loadTask('codeglance-ds1000', { dataDir });
    expect(ds.items[0]!.id).toBe('sample_0');
    expect(ds.items[0]!.family === 'codeglance' && ds.items[0]!.sourceId).toBe('0_1');
    expect(new Set(ds.items.map((i) => (i.family === 'codeglance' ? i.sourceId.split('_')[0] : ''))).size).toBe(585);
    expect(ds.items[0]!.family === 'codeglance' && ds.items[0]!.features.cyclomatic_complexity).toBe(1);
  });

  it('RAG documentation (JSON arrays with NaN) loads for pannum and monkbeat only', () => {
    for (const name of ['codeglance-pannum', 'codeglance-monkbeat']) {
      const t = loadTask(name, { dataDir, rag: true });
      const docs = t.items.map((i) => (i.family === 'codeglance' ? i.docs ?? [] : []));
      // The files list ID 27 twice and 36 never: 49 rows get documentation.
      expect(docs.filter((d) => d.length > 0).length).toBe(49);
      expect(t.items.find((i) => i.family === 'codeglance' && i.sourceId === '36')!.family === 'codeglance' && (t.items[36] as { docs?: unknown[] }).docs).toEqual([]);
      const msgs = buildMessages(t, t.items[0]!, { rag: true });
      expect(msgs[1]!.content).toContain('[DOCS]');
      expect(msgs[1]!.content).not.toMatch(/\bNaN\b/);
    }
    expect(() => loadTask('codeglance-ds1000', { dataDir, rag: true })).toThrow(/no API documentation/);
  });

  it('Case2Code gold records come from the data as stored (JSON text of the repr, or the exception record)', () => {
    const t = loadTask('case2code', { dataDir });
    const first = t.items[0]!;
    if (first.family !== 'case2code') throw new Error('family');
    expect(first.goldOutputs[0]).toBe('"3012"');
    expect(first.goldOutputs.length).toBe(30);
    expect(first.shownCases[0]).toEqual({ kwargs: "{'num': 1234}", outcome: '4123', raised: false });
    const errs = t.items.flatMap((i) => (i.family === 'case2code' ? i.goldOutputs : [])).filter((g) => g.includes('<|EXCEPTION|>'));
    expect(errs.length).toBe(633);
  });

  it('--ids takes sample ids, or CodeGlance data-file IDs; unknown ids are a UserError', () => {
    const t = loadTask('codeglance-torchdata', { dataDir });
    expect(selectItems(t, ['10', 'sample_0']).map((i) => i.id)).toEqual(['sample_0', 'sample_2']);
    expect(() => selectItems(t, ['nope'])).toThrow(/ids not in task codeglance-torchdata: nope/);
    expect(selectItems(loadTask('cruxeval-o', { dataDir }), undefined, 3).map((i) => i.id)).toEqual(['sample_0', 'sample_1', 'sample_2']);
  });

  it('a missing data file is a UserError naming it', () => {
    expect(() => loadTask('cruxeval-o', { dataDir: '/nonexistent' })).toThrow(/\/nonexistent\/cruxeval\/cruxeval\.jsonl: no such file/);
  });

  it('prompts: every task and style renders, with the unknown shown as ??', () => {
    for (const name of REASONING_TASKS) {
      const t = loadTask(name, { dataDir });
      for (const cot of [false, true]) {
        const m = buildMessages(t, t.items[1]!, { cot });
        expect(m.map((x) => x.role)).toEqual(['system', 'user']);
        expect(m[1]!.content).not.toMatch(/\{\{\w+\}\}/);
        if (t.family !== 'case2code') expect(m[1]!.content).toContain('??');
      }
      expect(stopSequences(t)).toEqual(t.family === 'case2code' ? undefined : ['[/ANSWER]']);
    }
    const c2c = loadTask('case2code', { dataDir });
    expect(buildMessages(c2c, c2c.items[0]!)[1]!.content).toContain("command_R(**{'num': 1234})  ->  returns 4123");
    // Templates exist for direct and CoT of each task and the RAG documentation block.
    expect(readdirSync(PROMPT_DIR).sort()).toEqual(
      expect.arrayContaining(['codeglance.docs.txt', 'cruxeval-input.cot.txt', 'cruxeval-output.direct.txt', 'case2code.cot.txt', 'system.txt']),
    );
  });

  it('generations are validated against the task', () => {
    const t = loadTask('cruxeval-o', { dataDir });
    expect(() => validateGenerations(t, { sample_0: ['1'], bogus: ['2'] })).toThrow(/ids not in task cruxeval-o: bogus/);
    expect(() => validateGenerations(t, { sample_0: '1' })).toThrow(/entry sample_0 is not a list/);
    expect(() => validateGenerations(t, { sample_0: [1] })).toThrow(/entry sample_0\[0\] is not a string/);
    expect(() => validateGenerations(t, { sample_0: [] })).toThrow(/empty list/);
    expect(() => validateGenerations(t, [])).toThrow(UserError);
  });
});

describe('generations files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reasoning-gen-'));
  it('reads id -> list, a scored file\'s raw_generations, and skips the synthetic marker', () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ synthetic: true, sample_0: ['x'] }));
    expect(readGenerationsFile(join(dir, 'a.json'))).toEqual({ generations: { sample_0: ['x'] }, synthetic: true, fromScoredFile: false, published: {} });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ raw_generations: { sample_1: ['y'] }, raw_scored_generations: {}, pass_at_1: 0 }));
    expect(readGenerationsFile(join(dir, 'b.json')).generations).toEqual({ sample_1: ['y'] });
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ sample_0: 'x' }));
    expect(() => readGenerationsFile(join(dir, 'c.json'))).toThrow(/entry sample_0 is not a list/);
    writeFileSync(join(dir, 'd.json'), '{"sample_0": [');
    expect(() => readGenerationsFile(join(dir, 'd.json'))).toThrow(/malformed JSON/);
    expect(() => readGenerationsFile(join(dir, 'none.json'))).toThrow(/no such file/);
  });
});

describe('offline reasoning model', () => {
  it('splits and mutates literals', () => {
    expect(splitTopLevel("1, [2, 3], 'a,b', {'k': (4, 5)}")).toEqual(['1', '[2, 3]', "'a,b'", "{'k': (4, 5)}"]);
    const r = () => 0.1;
    expect(wrongLiteral('5', r)).toBe('6');
    expect(wrongLiteral('True', r)).toBe('False');
    expect(wrongLiteral("'abc'", r)).toBe("'Abc'");
    expect(wrongLiteral('[1, 2, 3]', r)).toBe('[1, 2]');
    expect(wrongLiteral('(1, 2)', r)).toBe('(1,)');
    expect(wrongLiteral("{'a': 1}", r)).toBe('{}');
  });

  it.skipIf(!!skipData)('is deterministic, synthetic, and its accuracy follows the strength', async () => {
    const task = loadTask('cruxeval-o', { dataDir });
    const data = { task, items: task.items, cot: false, rag: false };
    const ask = async (m: OfflineReasoningModel, i: number, s: number) =>
      (await m.generate(buildMessages(task, task.items[i]!), { role: 'reasoner', sampleIndex: s })).text;
    const a = new OfflineReasoningModel(0.5, 0, data);
    expect(a.synthetic).toBe(true);
    expect(a.id).toBe('offline:0.5');
    expect(await ask(a, 3, 2)).toBe(await ask(new OfflineReasoningModel(0.5, 0, data), 3, 2));
    const correct = async (m: OfflineReasoningModel) => {
      let c = 0;
      for (let i = 0; i < 200; i++) {
        const g = postprocess(await ask(m, i, 0), 'output', false);
        if (g === (task.items[i] as CruxItem).output) c++;
      }
      return c / 200;
    };
    expect(await correct(new OfflineReasoningModel(1, 0, data))).toBe(1);
    expect(await correct(new OfflineReasoningModel(0, 0, data))).toBe(0);
    const mid = await correct(a);
    expect(mid).toBeGreaterThan(0.35);
    expect(mid).toBeLessThan(0.65);
    await expect(a.generate([], { role: 'reasoner' })).rejects.toThrow(/knows no item/);
  });
});

it('prompt files are our own text (no upstream instructions copied)', () => {
  for (const f of readdirSync(PROMPT_DIR)) {
    const text = readFileSync(join(PROMPT_DIR, f), 'utf8');
    expect(text).not.toMatch(/no unsimplified expressions|Do NOT output any extra information|STOPWORDS|Write a function that generates the output from the input/);
  }
});

describe('judge preload per task', () => {
  it('gives stdlib-only tasks a small warm judge and keeps the full list for CodeGlance', async () => {
    const { judgePreload } = await import('../../src/reasoning/preload.js');
    for (const t of ['cruxeval-o', 'cruxeval-i', 'case2code']) {
      const list = judgePreload(t)!.split(',');
      expect(list).toContain('json');
      expect(list).not.toContain('numpy');
    }
    // undefined = the sandbox's default list, which pre-imports numpy and pandas for DS-1000.
    expect(judgePreload('codeglance-ds1000')).toBeUndefined();
  });
});

describe('check batches', () => {
  it('cover every check once, in order, and shrink toward the end', async () => {
    const { batchBounds } = await import('../../src/reasoning/check-batches.js');
    for (const total of [0, 1, 7, 100, 2548]) {
      const b = batchBounds(total);
      expect(b.map(([s, e]) => e - s).reduce((a, n) => a + n, 0)).toBe(total);
      b.forEach(([s], i) => expect(s).toBe(i === 0 ? 0 : b[i - 1]![1]));
    }
    const sizes = batchBounds(2548).map(([s, e]) => e - s);
    expect(sizes[0]).toBe(64);
    expect(sizes.at(-1)!).toBeLessThanOrEqual(4);
    expect(sizes.every((n, i) => i === 0 || n <= sizes[i - 1]!)).toBe(true);
    expect(batchBounds(10, 4).map(([s, e]) => e - s)).toEqual([4, 4, 2]);
  });
});

describe('check order', () => {
  it('is a fixed permutation that scatters neighbours', async () => {
    const { spreadOrder } = await import('../../src/reasoning/check-batches.js');
    const o = spreadOrder(1000);
    expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(spreadOrder(1000)).toEqual(o);
    // Ten neighbouring checks land in at least eight of the 16 chunks of 64 positions.
    const chunks = new Set(Array.from({ length: 10 }, (_, k) => Math.floor(o.indexOf(500 + k) / 64)));
    expect(chunks.size).toBeGreaterThanOrEqual(8);
  });
});
