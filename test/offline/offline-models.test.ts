import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, template } from '../../src/episode/prompts.js';
import { predict, renderPrompt, signature } from '../../src/episode/signature.js';
import { codeFromAnswer } from '../../src/feedback/extract.js';
import { readPrompt } from '../../src/offline/read-prompt.js';
import type { ChatMessage } from '../../src/models/types.js';
import { OfflineCoder } from '../../src/offline/coder.js';
import { OfflineUser } from '../../src/offline/user.js';
import { loadTasks, type BigCodeBenchTask } from '../../src/tasks/bigcodebench.js';

const tasks = loadTasks(join(__dirname, '..', '..', '..', 'shared', 'data', 'bigcodebench', 'bigcodebench-v0.1.4.jsonl')).slice(0, 200);
const ask = (t: BigCodeBenchTask): ChatMessage[] => [{ role: 'user', content: render(template('coder-initial'), { problem: t.instruct_prompt }) }];
const codeOf = (text: string): string => /```python\n([\s\S]*?)```/.exec(text)![1]!;
const reference = (t: BigCodeBenchTask): string => `${t.code_prompt}${t.canonical_solution}`.replace(/\n{3,}/g, '\n\n').trimEnd();
const opts = { role: 'coder' as const };

describe('offline coder', () => {
  it('answers from its prompt alone, the same way every time, and labels itself synthetic', async () => {
    const coder = new OfflineCoder({ skill: 0.5, seed: 1, tasks });
    const a = await coder.generate(ask(tasks[3]!), opts);
    expect((await coder.generate(ask(tasks[3]!), opts)).text).toBe(a.text);
    expect(coder.synthetic).toBe(true);
    expect(codeOf(a.text)).toContain('def task_func');
    // A prompt that names no known problem gets no code, whatever tasks the model was built with.
    const lost = await coder.generate([{ role: 'user', content: 'Write a function that adds two numbers.' }], opts);
    expect(lost.text).toMatch(/know no task/);
  });

  it('a stronger model starts more tasks with the reference itself', async () => {
    const clean = async (skill: number): Promise<number> => {
      const coder = new OfflineCoder({ skill, seed: 0, tasks });
      let n = 0;
      for (const t of tasks) if (codeOf((await coder.generate(ask(t), opts)).text).trimEnd() === reference(t)) n++;
      return n;
    };
    const [weak, strong] = [await clean(0.1), await clean(0.9)];
    expect(strong).toBeGreaterThan(weak + 40);
    expect(weak).toBeGreaterThan(0);
  });
});

describe('offline user', () => {
  const t = tasks.find((x) => x.canonical_solution.includes(' < ') || x.canonical_solution.includes(' > '))!;
  const ref = reference(t);
  const lines = ref.split('\n');
  const at = lines.findIndex((l) => / [<>] /.test(l));
  const broken = [...lines];
  broken[at] = lines[at]!.replace(/ < /, ' >= ').replace(/ > /, ' <= ');
  const previous = broken.join('\n');

  it('as an expert, names the line that deviates from the ground truth without quoting it', async () => {
    const prompt = render(template('user-expert'), { problem: t.instruct_prompt, reference: ref, previous_code: previous, exec_failed: '', execution: '' });
    const text = (await new OfflineUser().generate([{ role: 'user', content: prompt }], { role: 'user' })).text;
    expect(text).toContain(`Line ${at + 1}:`);
    expect(text).toMatch(/comparison/);
    expect(text).not.toContain(lines[at]!.trim());
  });

  it('as a novice, restates the compile error it was shown, and sees no problem when there is none', async () => {
    const user = new OfflineUser();
    const novice = (compilation: string) => user.generate([{ role: 'user', content: render(template('user-novice'), { problem: t.instruct_prompt, previous_code: previous, compilation, exec_failed: '', execution: '' }) }], { role: 'user' });
    const err = '  File "tmp.py", line 3\n    def f(\n         ^\nSyntaxError: \'(\' was never closed';
    expect((await novice(err)).text).toContain("SyntaxError: '(' was never closed");
    expect((await novice('No syntax errors')).text).toBe('I did not notice a problem.');
  });
});

describe("offline models under the original's prompt layout", () => {
  const t = tasks.find((x) => x.canonical_solution.includes(' < ') || x.canonical_solution.includes(' > '))!;
  const lines = reference(t).split('\n');
  const at = lines.findIndex((l) => / [<>] /.test(l));
  const broken = [...lines];
  broken[at] = lines[at]!.replace(/ < /, ' >= ').replace(/ > /, ' <= ');
  const previous = broken.join('\n');

  it('the coder reads the inputs after the format block and answers with reasoning, then the code after its label (one call)', async () => {
    const values = { input: t.instruct_prompt, previous_code: previous, compilation_feedback: 'No syntax errors', execution_feedback: 'TEST_X\nTraceback (most recent call last):\nAssertionError\n', user_feedback: `Line ${at + 1}: the comparison here is not the right one.` };
    const view = readPrompt([{ role: 'user', content: renderPrompt(signature('coder-refine-user', values), values) }]);
    expect(view.previousCode).toBe(previous);
    expect(view.execution).toBe(values.execution_feedback.trimEnd());
    expect(view.user).toBe(values.user_feedback);
    expect(view.signature).toEqual({ answerLabel: 'Code:', continues: 'reasoning' });
    const coder = new OfflineCoder({ skill: 0.9, seed: 1, tasks });
    const p = await predict(coder, signature('coder-refine-user', values), values, opts);
    expect(p.gens).toHaveLength(1);
    expect(codeFromAnswer(p.answer, 'convcodeworld').code).toContain('def task_func');
  });

  it('the expert reads the fenced ground truth and previous code, and answers after its label', async () => {
    const values = { input: t.instruct_prompt, ground_truth_code: '```\n' + reference(t) + '\n```', previous_code: '```\n' + previous + '\n```' };
    const p = await predict(new OfflineUser(), signature('user-expert', values), values, { role: 'user' });
    expect(p.gens).toHaveLength(1);
    expect(p.answer).toContain(`Line ${at + 1}:`);
    expect(p.answer).not.toContain(lines[at]!.trim());
  });
});
