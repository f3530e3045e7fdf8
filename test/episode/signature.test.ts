/** The original's prompt layout (DSPy 2.4 ChainOfThought): rendering, the answer read after its label, continuation calls. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promptsHash } from '../../src/episode/prompts.js';
import { parseCompletion, predict, renderPrompt, signature } from '../../src/episode/signature.js';
import { ScriptedModel } from '../helpers/scripted-model.js';

const FIX = { input: 'Write f.\nIt returns 1.', previous_code: 'def f()\n    return 1', compilation_feedback: 'Traceback\nSyntaxError' };
const REASONING = "Reasoning: Let's think step by step in order to";

describe('rendering', () => {
  it('instruction, format block, inputs, reasoning label: parts split by a --- line, fields by a blank line', () => {
    const text = renderPrompt(signature('coder-fix-compile', FIX), FIX);
    const parts = text.split('\n\n---\n\n');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe('You receive `input`, `previous_code`, `compilation_feedback` because the earlier code had an error.\nFix that error and write the revised `generated_code`.');
    expect(parts[1]).toBe([
      'Follow the following format.',
      'Input: ${input}',
      'Previous Code: earlier python code, which had a problem',
      'Compilation Feedback: what compiling the earlier python code reported',
      `${REASONING} \${produce the generated_code}. We ...`,
      "Code: python code that meets the user's requirements",
    ].join('\n\n'));
    // A value with a newline starts on the line after its label; the prompt ends at the reasoning label.
    expect(parts[2]).toBe(`Input:\n${FIX.input}\n\nPrevious Code:\n${FIX.previous_code}\n\nCompilation Feedback:\n${FIX.compilation_feedback}\n\n${REASONING}`);
  });

  it('a one-line value stays on its label line; values are inserted byte for byte', () => {
    const v = { ...FIX, compilation_feedback: 'No syntax errors', previous_code: 'x  =  1\t\n\n\ny = 2' };
    const q = renderPrompt(signature('coder-fix-compile', v), v).split('\n\n---\n\n')[2]!;
    expect(q).toContain('\n\nCompilation Feedback: No syntax errors\n\n');
    expect(q).toContain('Previous Code:\nx  =  1\t\n\n\ny = 2\n\n');
  });

  it('an optional input without a value leaves the signature (instruction, format, inputs); the example follows the variant', () => {
    const bare = { input: 'P', previous_code: 'c', user_feedback: 'Fix it.' };
    const plain = renderPrompt(signature('coder-refine-user', bare), bare);
    expect(plain).not.toContain('execution_feedback');
    expect(plain).not.toContain('Execution Feedback');
    const withExec = { ...bare, execution_feedback: 'TEST_A\nboom\n' };
    const e = renderPrompt(signature('coder-refine-user', withExec), withExec);
    expect(e.split('\n\n---\n\n')[0]).toContain('`input`, `previous_code`, `execution_feedback`, `user_feedback`');
    expect(e.split('\n\n---\n\n')[2]).toBe(`Input: P\n\nPrevious Code: c\n\nExecution Feedback:\nTEST_A\nboom\n\n\nUser Feedback: Fix it.\n\n${REASONING}`);
    const nov = { input: 'P', previous_code: '```\nc\n```', compilation_feedback: 'No syntax errors' };
    expect(renderPrompt(signature('user-novice', nov), nov)).toContain('SyntaxError: expected');
    expect(renderPrompt(signature('user-novice', { ...nov, execution_feedback: 'T' }), { ...nov, execution_feedback: 'T' })).toContain('ZeroDivisionError');
  });

  it('the example sits in the answer field description after a --- line', () => {
    const v = { input: 'P', ground_truth_code: '```\ng\n```', previous_code: '```\nc\n```' };
    const fmt = renderPrompt(signature('user-expert', v), v).split('\n\n---\n\n')[1]!;
    expect(fmt).toMatch(/\n\nUser Feedback:\na \(simulated\) user's remarks on the earlier python code\n---\n\nExample Input:\n/);
  });

  it('an empty input keeps its label; a null one is skipped and, last, takes the open slot (DSPy quirk)', () => {
    const empty = { input: 'P', previous_code: 'c', execution_feedback: '', user_feedback: 'U' };
    expect(renderPrompt(signature('coder-refine-user', empty), empty)).toContain('\n\nExecution Feedback: \n\nUser Feedback: U\n\n' + REASONING);
    const none = { input: 'P', previous_code: 'c', user_feedback: null };
    const text = renderPrompt(signature('coder-refine-user', none), none);
    expect(text.endsWith('Previous Code: c\n\nUser Feedback:')).toBe(true);
    expect(text.split('\n\n---\n\n')[1]).toContain('User Feedback: ');
  });
});

describe('reading the answer', () => {
  const sig = signature('coder-fix-compile', FIX);
  it('reasoning before the answer label, the answer after it, each trimmed (trailing dashes kept, as the original ran DSPy)', () => {
    expect(parseCompletion(sig, ' fix it. We add a colon.\n\nCode: ```python\nx = 1\n```\n---')).toEqual({ reasoning: 'fix it. We add a colon.', answer: '```python\nx = 1\n```\n---' });
  });
  it('the label must start a line; without it only the reasoning is known', () => {
    expect(parseCompletion(sig, 'Code: x = 1')).toEqual({ reasoning: 'Code: x = 1' });
    expect(parseCompletion(sig, 'plan\nCode:   ')).toEqual({ reasoning: 'plan' });
  });
  it('a missing label gets one more call: the reasoning collapsed into the prompt, ending at the label, half the tokens', async () => {
    const m = new ScriptedModel('m', ['I will  add\n the colon.\n```python\nbad\n```', '```python\ndef f():\n    return 1\n```']);
    const p = await predict(m, sig, FIX, { role: 'coder', stop: ['\n\n---\n\n'] });
    expect(m.calls).toHaveLength(2);
    expect(m.calls[0]!.opts.maxTokens).toBeUndefined();
    expect(m.calls[1]!.opts.maxTokens).toBe(1024);
    expect(m.calls[1]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(m.calls[1]!.prompt.endsWith(`${REASONING} I will add the colon. \`\`\`python bad \`\`\`\n\nCode:`)).toBe(true);
    expect(p.answer).toBe('```python\ndef f():\n    return 1\n```');
    expect(p.gens).toHaveLength(2);
  });
  it('an answer with its label needs one call', async () => {
    const m = new ScriptedModel('m', ['go.\n\nCode: ```python\nx\n```']);
    expect((await predict(m, sig, FIX, { role: 'coder', maxTokens: 100 })).answer).toBe('```python\nx\n```');
    expect(m.calls).toHaveLength(1);
  });
});

describe('prompt files hash', () => {
  it('changes with any prompt file and ignores other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'a.md'), 'one');
    writeFileSync(join(dir, 'signatures.yaml'), 'x: 1');
    const before = promptsHash(dir);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(promptsHash(dir)).toBe(before);
    writeFileSync(join(dir, 'signatures.yaml'), 'x: 2');
    expect(promptsHash(dir)).not.toBe(before);
    expect(promptsHash()).toMatch(/^[0-9a-f]{64}$/);
  });
});
