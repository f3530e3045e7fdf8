import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, template } from '../../src/episode/prompts.js';
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
