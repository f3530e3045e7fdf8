/** Gold answers through the real sandbox: CRUXEval 100/100, CodeGlance's unusable rows, Case2Code 481/500. */
import { afterAll, describe, expect, it } from 'vitest';
import { loadTask } from '../../src/reasoning/data.js';
import { judgeGenerations, scoreGenerations, scoreJudged } from '../../src/reasoning/scoring.js';
import type { GenerationsMap } from '../../src/reasoning/types.js';
import { closeSandbox, dataDir, localSandbox, missing, noteSkip } from './helpers.js';

afterAll(async () => {
  await closeSandbox();
});

const skipCrux = missing('data/cruxeval/cruxeval.jsonl');
noteSkip(skipCrux);

describe.skipIf(!!skipCrux)('CRUXEval gold answers', () => {
  it.each([
    ['cruxeval-o', (it: { input: string; output: string }) => it.output],
    ['cruxeval-i', (it: { input: string; output: string }) => `f(${it.input})`],
  ] as const)('%s scores 100/100 with both scorers', async (name, answer) => {
    const task = loadTask(name, { dataDir });
    const gens: GenerationsMap = Object.fromEntries(task.items.map((it) => [it.id, [answer(it as { input: string; output: string })]]));
    const judged = await judgeGenerations(task, gens, { sandbox: localSandbox() });
    for (const v of ['v1', 'v2'] as const) {
      const r = scoreJudged(judged, v);
      const failed = Object.entries(r.scored).filter(([, l]) => !l[0]).map(([id]) => id);
      expect(failed).toEqual([]);
      expect(r.passAtK.pass_at_1).toBe(100);
      expect(r.passAtK.pass_at_5).toBeUndefined(); // one answer per item: pass@5 is not reported
    }
  }, 300_000);

  it('the output anti-cheat filter catches an answer that repeats the call', async () => {
    const task = loadTask('cruxeval-o', { dataDir });
    const item = task.items[0]!;
    if (item.family !== 'cruxeval') throw new Error('family');
    const r = await scoreGenerations(task, { [item.id]: [`f(${item.input})`, item.output] }, { sandbox: localSandbox(), scorer: 'v1' });
    expect(r.scored[item.id]).toEqual([false, true]);
    expect(r.counts.filtered).toBe(1);
    const r2 = await scoreGenerations(task, { [item.id]: [`f(${item.input})`, item.output] }, { sandbox: localSandbox(), scorer: 'v2' });
    expect(r2.scored[item.id]).toEqual([true]);
  }, 60_000);
});

const skipGlance = missing('data/codeglance/DS1000_reasoning.jsonl');
noteSkip(skipGlance);

describe.skipIf(!!skipGlance)('CodeGlance gold answers', () => {
  it('pass except the 41 DS1000 rows whose result is not a usable value (nan, B, tensor(1), ...); no task code runs', async () => {
    const task = loadTask('codeglance-ds1000', { dataDir });
    const gens: GenerationsMap = Object.fromEntries(task.items.map((it) => [it.id, [it.family === 'codeglance' ? it.result : '']]));
    const r = await scoreGenerations(task, gens, { sandbox: localSandbox() });
    const failed = Object.entries(r.scored).filter(([, l]) => !l[0]).map(([id]) => id);
    expect(failed.length).toBe(41);
    const results = failed.map((id) => { const it = task.byId.get(id)!; return it.family === 'codeglance' ? it.result.trim() : ''; });
    expect(results.filter((x) => x === 'nan' || x === 'B').length).toBe(10);
    // Each fails because its expected value is not Python that evaluates without imports.
    for (const id of failed) {
      const v = r.verdicts[id]![0]!;
      expect(v.kind === 'judged' && /^(NameError|SyntaxError)/.test(v.error ?? ''), `${id}: ${JSON.stringify(v)}`).toBe(true);
    }
  }, 300_000);
});

const skipC2C = missing('data/case2code/test.jsonl');
noteSkip(skipC2C);

/**
 * Records where the gold outputs cannot be reproduced on Python 3.11 (see docs/case2code-gold.md).
 * Those depending on the string-hash seed or on whether numpy imports may pass by chance.
 */
const CASE2CODE_GOLD_MISMATCH: Record<string, string> = {
  '8c73d357f9048096f6b3f5738c91aa1867c98bd5_0': 'error message (float())',
  'fd6d8cb700e3e86c825a4121b0e3182a52bde111_0': 'error message (modulo by zero)',
  '80caed1de4bd6e24e430a24de5ed3e5db9914674_0': 'error message (UnboundLocalError)',
  '89da7c4dd129f46e728d8551b148951e54cff545_0': 'object address',
  'faa2662a3a921d5dd871ec6f9673665217b5c529_0': 'object address',
  '4271b240c33f244553179dfa8379de609706bffd_0': 'object address',
  '081e224ed86b61e49b3239c8ab046c66f93ee7b9_0': 'object address',
  'f3380d7390946d9c556acbef04f0e22ff4651863_0': 'object address',
  'f872e92e009ad72c826229200696f4a32e062ca4_0': 'object address',
  '75affa1b56c71c13a46f64ada3b0084a66022e07_0': 'object address',
  '065f52369c32bfca6f85e4231dcbcde2a8678387_0': 'object address',
  'aeab3a881a82eb474b4db1e3fed95c1f70156b85_0': 'set order (hash seed)',
  '35fe04276c5b1bf289c881b48012c3c72bc8239d_0': 'set order (hash seed)',
  'fac9bfb7fbf80d37bdc3ed3526ca298e4049b076_0': 'set order (hash seed)',
  '1f2b85e0386a4a6c8bf2f6537515f8fc6606a592_0': 'set order (hash seed)',
  'b3e21ce3b9766df2caf71b65922afe5eabd157ad_0': 'hash() of a string (hash seed)',
  'b9f0808e0a3354a7f79db7d52e91766f19d9c8c8_0': 'numpy import under the guard',
  'd6df456b902f13042cf923cd83a8f8ff74382bb0_0': 'gold recorded in stages (global defined in a later chunk)',
  'a31a771d205e04dcae4ca1d8f1906f0526a3a29d_0': 'gold recorded in stages (function named r is overwritten by the loop)',
};

describe.skipIf(!!skipC2C)('Case2Code gold self-check', () => {
  it('the reference solutions reproduce the gold outputs for 481 of 500 records; the rest are the documented ones', async () => {
    const task = loadTask('case2code', { dataDir });
    const gens: GenerationsMap = Object.fromEntries(task.items.map((it) => [it.id, [`\`\`\`python\n${it.family === 'case2code' ? it.code : ''}\n\`\`\``]]));
    const t0 = performance.now();
    const judged = await judgeGenerations(task, gens, { sandbox: localSandbox() });
    const r = scoreJudged(judged, 'v1');
    const failed = Object.entries(r.scored).filter(([, l]) => !l[0]).map(([id]) => id);
    console.log(`Case2Code gold: ${500 - failed.length}/500 in ${Math.round(performance.now() - t0)} ms`);
    expect(failed.filter((id) => !(id in CASE2CODE_GOLD_MISMATCH))).toEqual([]);
    // Seed-dependent records may match by chance; the deterministic ones never do.
    const deterministic = Object.entries(CASE2CODE_GOLD_MISMATCH).filter(([, why]) => !/hash seed|numpy/.test(why)).map(([id]) => id);
    expect(deterministic.filter((id) => !failed.includes(id))).toEqual([]);
    expect(500 - failed.length).toBeGreaterThanOrEqual(481);
    expect(r.passAtK.pass_at_1).toBeCloseTo(((500 - failed.length) / 500) * 100, 9);
  }, 300_000);
});
