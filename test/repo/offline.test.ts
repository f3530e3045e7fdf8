import { describe, expect, it } from 'vitest';
import { lastPythonBlock } from '../../src/repo/candidate.js';
import { summarizeRepo, type RepoItem } from '../../src/repo/metrics.js';
import { promptLookup, RepoOfflineModel } from '../../src/repo/offline.js';
import { firstMessages, type PromptOptions } from '../../src/repo/prompts.js';
import { toyTask } from './fixture.js';

const P: PromptOptions = { contextSource: 'file', maxContextSymb: 60000, think: true, repairContext: 'test', maxTestFeedbackSymb: 20000 };

describe('RepoOfflineModel', () => {
  const tasks = Array.from({ length: 60 }, (_, i) => toyTask({ idx: i, dp_id: `t${i}`, file_path: `django/utils/toy${i}.py` }));
  const model = (skill: number, bench: 'method_gen_multiturn' | 'program_repair' = 'method_gen_multiturn'): RepoOfflineModel =>
    new RepoOfflineModel({ skill, seed: 1, lookup: promptLookup(tasks, bench) });
  const ref = `${tasks[0]!.method.declaration}\n${tasks[0]!.method.body}`.trim();

  it('finds the task from the prompt alone and answers deterministically', async () => {
    const m = model(0.9);
    const msgs = firstMessages(tasks[3]!, 'method_gen_multiturn', P);
    const a = await m.generate(msgs, { role: 'coder' });
    const b = await m.generate(msgs, { role: 'coder' });
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('def slug');
    expect((await m.generate([{ role: 'user', content: 'hello' }], { role: 'coder' })).text).toMatch(/cannot answer/);
  });

  it('a stronger model writes the reference more often, and feedback turns repair defects', async () => {
    const exact = async (skill: number, turns: number): Promise<number> => {
      let n = 0;
      for (const t of tasks) {
        const msgs = firstMessages(t, 'method_gen_multiturn', P);
        for (let k = 1; k < turns; k++) msgs.push({ role: 'assistant', content: 'x' }, { role: 'user', content: 'Correct the answer. Tests failed:' });
        if (lastPythonBlock((await model(skill).generate(msgs, { role: 'coder' })).text).trim() === ref) n++;
      }
      return n;
    };
    const weak1 = await exact(0.1, 1);
    const strong1 = await exact(0.9, 1);
    expect(strong1).toBeGreaterThan(weak1);
    expect(await exact(0.1, 3)).toBeGreaterThan(weak1);
  });

  it('repairs more often when the failing output is shown', async () => {
    let shown = 0;
    let hidden = 0;
    for (const t of tasks) {
      const a = lastPythonBlock((await model(0.5, 'program_repair').generate(firstMessages(t, 'program_repair', P), { role: 'coder' })).text);
      const b = lastPythonBlock((await model(0.5, 'program_repair').generate(firstMessages(t, 'program_repair', { ...P, repairContext: 'null' }), { role: 'coder' })).text);
      if (a.trim() === ref) shown++;
      if (b.trim() === ref) hidden++;
    }
    expect(shown).toBeGreaterThan(hidden);
  });
});

describe('summarizeRepo', () => {
  const item = (statuses: ('OK' | 'FAILED' | 'NOT_RUN')[], pcts: number[]): RepoItem => ({
    format: 'repo-result', version: 1, idx: 0, dp_id: 'x', benchmark: 'method_gen_multiturn', model: 'm',
    turns: statuses.map((s, i) => ({ turn: i + 1, status: s, pct: pcts[i]!, ran: 4, failures: 0, errors: 0, timed_out: false, code: '', cached: false })),
    stop_reason: statuses.includes('OK') ? 'passed_tests' : 'max_turns_reached', final_code: '', chrf: 50, common_prefix_ratio: 0.5,
  });
  it('pass_rate@i counts items passed by turn i; percent_pass@i keeps the last value of items that stopped', () => {
    const s = summarizeRepo([item(['OK'], [1]), item(['FAILED', 'OK'], [0.5, 1]), item(['NOT_RUN', 'FAILED', 'FAILED'], [0, 0.25, 0.75])], { benchmark: 'method_gen_multiturn', model: 'm', maxIter: 3 });
    expect(s.pass_rates).toEqual({ 'pass_rate@1': 33.3333, 'pass_rate@2': 66.6667, 'pass_rate@3': 66.6667 });
    expect(s.percent_pass).toEqual({ 'percent_pass@1': 50, 'percent_pass@2': 75, 'percent_pass@3': 91.6667 });
    expect(s.num_datapoints).toBe(3);
    expect(s.match_method_name).toBeNull();
  });
});
