/** The original's protocol, rule by rule, with a scripted coder and user (see docs/protocol.md). */
import { describe, expect, it } from 'vitest';
import { liveSource } from '../../src/episode/live-source.js';
import { ScriptedModel } from '../helpers/scripted-model.js';
import { CODE, episode, HEADER, labelled, live, liveSig, said, stepsOf, TASK } from './helpers.js';

const statuses = (r: Awaited<ReturnType<typeof live>>): string[] => r.rec.turns.map((t) => t.status);

describe('CF: compilation feedback only', () => {
  it('carries compiling code forward with no call (flat at the turn-0 value)', async () => {
    const r = await live('CF', [CODE.failA]);
    expect(r.coder.calls).toHaveLength(1);
    expect(stepsOf(r)).toEqual([['generate'], [], [], []]);
    expect(statuses(r)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(r.rec.turns.slice(1).every((t) => t.unchanged && t.code === r.rec.turns[0]!.code)).toBe(true);
  });

  it('fixes a compile error with the previous code and the traceback, not execution feedback', async () => {
    const r = await live('CF', [CODE.syntax, CODE.failA]);
    expect(stepsOf(r)).toEqual([['generate'], ['compile-fix'], [], []]);
    const fix = r.coder.calls[1]!.prompt;
    expect(fix).toContain('Previous code:\n```python\n' + HEADER + CODE.syntax);
    expect(fix).toContain('Compilation feedback:\nTraceback (most recent call last):');
    expect(fix).not.toContain('Execution feedback');
    expect(r.rec.turns[1]!.code).toBe(HEADER + CODE.failA);
  });

  it('shares 3 calls per turn between compile fixes and the refinement; a still-broken version is fixed next turn', async () => {
    const r = await live('CF', [CODE.syntax, CODE.syntax, CODE.syntax, CODE.syntax, CODE.pass]);
    expect(stepsOf(r)).toEqual([['generate'], ['compile-fix', 'compile-fix', 'compile-fix'], ['compile-fix'], []]);
    expect(r.rec.turns[1]!.compilation!.ok).toBe(false);
    expect(statuses(r)).toEqual(['fail', 'fail', 'pass', 'pass']);
    expect(r.rec.turns[3]!.copied).toBe(true);
  });
});

describe('execution feedback without a user', () => {
  it('makes no call when the visible (first 3) tests pass', async () => {
    const r = await live('CF_EF_UNIT', [CODE.failD]);
    expect(r.coder.calls).toHaveLength(1);
    expect(r.rec.turns[1]!.feedback!.execution).toBe('Passed all test runs');
  });

  it('refines from failing execution feedback: NAME, traceback untrimmed, entries joined by a newline', async () => {
    const r = await live('CF_EF_FULL', ['def task_func():\n    return 9  # fails: test_b,test_d', CODE.pass]);
    expect(stepsOf(r)[1]).toEqual(['refine-exec']);
    const trace = (t: string): string => `Traceback (most recent call last):\n  File "t.py", line 3, in ${t}\nAssertionError: ${t} wrong  `;
    const text = `TEST_B\n${trace('test_b')}\n\nTEST_D\n${trace('test_d')}\n`;
    expect(r.rec.turns[1]!.feedback!.execution).toBe(text);
    const p = r.coder.calls[1]!.prompt;
    expect(p).toContain(`Execution feedback:\n${text}`);
    expect(p).toContain(TASK.instruct_prompt);
    expect(p).not.toContain('Compilation feedback');
    expect(statuses(r)).toEqual(['fail', 'pass', 'pass', 'pass']);
  });

  it('a failed run without per-test details gives an empty text that still asks for a fix', async () => {
    const r = await live('CF_EF_FULL', [CODE.silent, CODE.pass]);
    expect(r.rec.turns[1]!.feedback!.execution).toBe('');
    expect(stepsOf(r)[1]).toEqual(['refine-exec']);
  });

  it('partial tests are the first 3 test methods in source order; compat takes the AST-walk order', async () => {
    const clean = await live('CF_EF_UNIT', [CODE.failB, CODE.pass]);
    expect(stepsOf(clean)[1]).toEqual(['refine-exec']);
    // Under compat Helper.prepare and setUp take two of the three slots, so test_b is not shown.
    const compat = await live('CF_EF_UNIT', [CODE.failB], [], { compat: true });
    expect(compat.coder.calls).toHaveLength(1);
  });

  it('after an in-turn compile fix, the execution feedback describes the fixed code (compat: the old code, generic wording)', async () => {
    const clean = await live('CF_EF_FULL', [CODE.syntax, CODE.failA, CODE.pass]);
    expect(stepsOf(clean)[1]).toEqual(['compile-fix', 'refine-exec']);
    expect(clean.coder.calls[2]!.prompt).toContain('Execution feedback:\nTEST_A\n');
    expect(clean.coder.calls[2]!.prompt).toContain('Answer with the complete corrected program');
    const compat = await liveSig('CF_EF_FULL', [CODE.syntax, CODE.failA, CODE.pass]);
    expect(compat.coder.calls[2]!.prompt).toContain('Execution Feedback:\nALL\n');
    expect(compat.coder.calls[2]!.prompt.split('\n\n---\n\n')[0]).toBe('Write out the final code for `input`, `previous_code`, `execution_feedback` in markdown.');
  });
});

describe('novice user', () => {
  it('with execution feedback: neither the novice nor the coder is called when the visible tests pass', async () => {
    const r = await live('CF_EF_UNIT_SNF', [CODE.failD]);
    expect(r.user.calls).toHaveLength(0);
    expect(r.coder.calls).toHaveLength(1);
  });

  it('sees the problem, the previous code, compilation and failing execution feedback, never the reference', async () => {
    const r = await live('CF_EF_FULL_SNF', [CODE.failA, CODE.pass], ['It breaks on my first check.']);
    expect(stepsOf(r)[1]).toEqual(['user', 'refine-user']);
    const u = r.user.calls[0]!.prompt;
    expect(u).toContain(TASK.instruct_prompt);
    expect(u).toContain(HEADER + CODE.failA);
    expect(u).toContain('Compilation feedback:\nNo syntax errors');
    expect(u).toContain('Execution feedback:\nTEST_A\n');
    expect(u).not.toContain('Ground truth');
    expect(u).not.toContain('return 1');
    const c = r.coder.calls[1]!.prompt;
    expect(c).toContain('User feedback:\nIt breaks on my first check.');
    expect(c).toContain('Execution feedback:\nTEST_A');
    expect(c).not.toContain('Compilation feedback');
  });

  it('without execution feedback: no call while the code compiles; a compile error goes to the novice, not to a fix call', async () => {
    const quiet = await live('CF_SNF', [CODE.failA]);
    expect(quiet.user.calls).toHaveLength(0);
    expect(quiet.coder.calls).toHaveLength(1);
    const r = await live('CF_SNF', [CODE.syntax, CODE.failA], ['Python stops with a syntax error.']);
    expect(stepsOf(r)).toEqual([['generate'], ['user', 'refine-user'], [], []]);
    expect(r.user.calls[0]!.prompt).toContain('Compilation feedback:\nTraceback');
    expect(r.user.calls[0]!.prompt).not.toContain('\nExecution feedback:\n');
    expect(r.coder.calls[1]!.prompt).toContain('User feedback:\nPython stops with a syntax error.');
    expect(r.coder.calls[1]!.prompt).not.toContain('Compilation feedback');
  });
});

describe('expert user', () => {
  it('is called every unsolved turn; sees the reference and previous code, never the compilation feedback', async () => {
    const r = await live('CF_SEF', [CODE.failD, CODE.failD, CODE.pass], ['Check the returned value.', 'Still off.']);
    expect(stepsOf(r)).toEqual([['generate'], ['user', 'refine-user'], ['user', 'refine-user'], []]);
    const u = r.user.calls[0]!.prompt;
    expect(u).toContain('Ground truth code:\n```python\n' + TASK.code_prompt + TASK.canonical_solution);
    expect(u).not.toContain('\nCompilation feedback:\n');
    expect(u).not.toContain('\nExecution feedback:\n');
    expect(r.coder.calls[1]!.prompt).not.toContain('Execution feedback');
  });

  it('sees failing execution feedback when the setting has it; compile errors are fixed before the expert speaks', async () => {
    const r = await live('CF_EF_FULL_SEF', [CODE.syntax, CODE.failA, CODE.pass], ['The first check fails.']);
    expect(stepsOf(r)[1]).toEqual(['compile-fix', 'user', 'refine-user']);
    expect(r.user.calls[0]!.prompt).toContain('Execution feedback:\nTEST_A');
    expect(r.user.calls[0]!.prompt).toContain(HEADER + CODE.failA);
  });

  it('post-processes the simulator text: cut at ---, at a triple newline, and (expert) at a newline before a fence', async () => {
    const r = await live('CF_SEF', [CODE.failA, CODE.pass], ['Return 1.\n```python\nreturn 1\n```\n---\nmore']);
    expect(r.rec.turns[1]!.feedback!.user).toBe('Return 1.');
    expect(r.rec.turns[1]!.feedback!.userRaw).toContain('```python');
  });
});

describe('every role and turn', () => {
  it('solved code is copied forward with no call', async () => {
    const r = await live('CF_EF_FULL_SEF', [CODE.pass]);
    expect(r.coder.calls).toHaveLength(1);
    expect(r.user.calls).toHaveLength(0);
    expect(r.rec.turns.slice(1).every((t) => t.copied)).toBe(true);
    expect(r.rec.solved_at).toBe(0);
  });

  it('the coder stops at a --- line between blank lines; extraction needs a closed fence; empty code is an error', async () => {
    const r = await live('CF_EF_FULL', [CODE.failA, '']);
    expect(r.coder.calls[0]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(r.rec.turns[1]!.extractError).toBe('EMPTY_CODE');
    expect(r.rec.turns[1]!.code).toBe(HEADER);
  });

  it('history full sends the earlier exchanges; none sends only the current prompt', async () => {
    const none = await live('CF_EF_FULL', [CODE.failA, CODE.failB, CODE.pass]);
    expect(none.coder.calls.map((c) => c.messages.length)).toEqual([1, 1, 1]);
    const full = await live('CF_EF_FULL', [CODE.failA, CODE.failB, CODE.pass], [], { history: 'full' });
    expect(full.coder.calls.map((c) => c.messages.length)).toEqual([1, 3, 5]);
  });
});

describe("protocol convcodeworld: the original's prompt layout (DSPy ChainOfThought)", () => {
  const REASONING = "Reasoning: Let's think step by step in order to";
  /** Labels of the inputs shown (the part after the format block), in order. */
  const fieldsOf = (prompt: string): string[] => [...prompt.split('\n\n---\n\n').pop()!.matchAll(/(?:^|\n\n)([A-Z][A-Za-z ]+):/g)].map((m) => m[1]!);

  it('a compile fix shows Input, Previous Code (raw), Compilation Feedback, then the reasoning label; stop at a --- line', async () => {
    const r = await liveSig('CF', [CODE.syntax, CODE.failA]);
    const p = r.coder.calls[1]!;
    expect(fieldsOf(p.prompt)).toEqual(['Input', 'Previous Code', 'Compilation Feedback', 'Reasoning']);
    expect(p.prompt).toContain(`\n\nPrevious Code:\n${HEADER}${CODE.syntax}\n\n`);
    expect(p.prompt.endsWith(REASONING)).toBe(true);
    expect(p.opts.stop).toEqual(['\n\n---\n\n']);
    expect(r.rec.turns[1]!.code).toBe(HEADER + CODE.failA);
  });

  it('the code is read after the answer label, not from text before it', async () => {
    const c = ['```python\n' + CODE.failB + '\n```\n\nCode: ```python\n' + CODE.pass + '\n```'];
    const r = await liveSig('CF_EF_FULL', [CODE.failA]);
    expect(r.rec.turns[1]!.code).toBe(HEADER + CODE.pass);
    const r2 = await episodeWith('CF_EF_FULL', [labelled(CODE.failA), ...c]);
    expect(r2.rec.turns[1]!.code).toBe(HEADER + CODE.pass);
  });

  it('after user feedback the coder sees Input, Previous Code, Execution Feedback (failing only), User Feedback; never compilation', async () => {
    const r = await liveSig('CF_EF_FULL_SNF', [CODE.failA, CODE.pass], ['It breaks on my first check.']);
    expect(stepsOf(r)[1]).toEqual(['user', 'refine-user']);
    expect(fieldsOf(r.coder.calls[1]!.prompt)).toEqual(['Input', 'Previous Code', 'Execution Feedback', 'User Feedback', 'Reasoning']);
    expect(r.coder.calls[1]!.prompt).toContain('\n\nUser Feedback: It breaks on my first check.\n\n');
    const sef = await liveSig('CF_SEF', [CODE.failD, CODE.pass], ['Check the value.']);
    expect(fieldsOf(sef.coder.calls[1]!.prompt)).toEqual(['Input', 'Previous Code', 'User Feedback', 'Reasoning']);
    expect(sef.coder.calls[1]!.prompt).not.toContain('Execution Feedback');
  });

  it('the novice sees Input, fenced Previous Code, Compilation and failing Execution Feedback; its call stops at the same --- line', async () => {
    const r = await liveSig('CF_EF_FULL_SNF', [CODE.failA, CODE.pass], ['It breaks.']);
    const u = r.user.calls[0]!;
    expect(fieldsOf(u.prompt)).toEqual(['Input', 'Previous Code', 'Compilation Feedback', 'Execution Feedback', 'Reasoning']);
    expect(u.prompt).toContain('\n\nPrevious Code:\n```\n' + HEADER + CODE.failA + '\n```\n\nCompilation Feedback: No syntax errors\n\n');
    expect(u.prompt).not.toContain('Ground Truth Code');
    expect(u.opts.stop).toEqual(['\n\n---\n\n']);
    const noExec = await liveSig('CF_SNF', [CODE.syntax, CODE.failA], ['Python stops.']);
    expect(fieldsOf(noExec.user.calls[0]!.prompt)).toEqual(['Input', 'Previous Code', 'Compilation Feedback', 'Reasoning']);
  });

  it('the expert sees Input, the fenced ground truth, Previous Code and failing Execution Feedback, never compilation feedback', async () => {
    const r = await liveSig('CF_EF_FULL_SEF', [CODE.failA, CODE.pass], ['The first check fails.']);
    const u = r.user.calls[0]!.prompt;
    expect(fieldsOf(u)).toEqual(['Input', 'Ground Truth Code', 'Previous Code', 'Execution Feedback', 'Reasoning']);
    expect(u).toContain('Ground Truth Code:\n```\n' + TASK.code_prompt + TASK.canonical_solution + '\n```');
    expect(u).not.toContain('Compilation Feedback');
    const plain = await liveSig('CF_SEF', [CODE.failD, CODE.pass], ['x']);
    expect(fieldsOf(plain.user.calls[0]!.prompt)).toEqual(['Input', 'Ground Truth Code', 'Previous Code', 'Reasoning']);
  });

  it("the simulator's feedback is read after its label, then cut as the original cut it", async () => {
    const r = await liveSig('CF_SEF', [CODE.failA, CODE.pass], ['Return 1.\n```python\nreturn 1\n```\n---\nmore']);
    expect(r.rec.turns[1]!.feedback!.user).toBe('Return 1.');
    expect(r.coder.calls[1]!.prompt).toContain('\n\nUser Feedback: Return 1.\n\n');
  });

  it('an empty code block keeps the cut text (no error): it fails to compile and is fixed next turn', async () => {
    // The marker stands for Python rejecting the leftover fences of the cut text.
    const r = await episodeWith('CF_EF_FULL', [labelled(CODE.failA), 'x\n\nCode: ```\n\n``` <<syntax>>', labelled(CODE.pass)]);
    expect(r.rec.error).toBeUndefined();
    expect(r.rec.turns[1]!.extractError).toBe('EMPTY_CODE');
    expect(r.rec.turns[1]!.code).toBe(HEADER + '```\n\n``` <<syntax>>');
    // The fix is followed by a refinement on the old code's execution feedback (a quirk of the original).
    expect(stepsOf(r)[2]).toEqual(['compile-fix', 'refine-exec']);
    expect(r.rec.turns[2]!.status).toBe('pass');
  });
});

/** An episode under the original's layout with raw scripted coder answers. */
async function episodeWith(setting: string, coder: string[]): Promise<Awaited<ReturnType<typeof live>>> {
  const c = new ScriptedModel('scripted-coder', coder, labelled(CODE.pass));
  const u = new ScriptedModel('scripted-user', [], said('Look again.'));
  return episode(setting, c, u, liveSource(u), { compat: true });
}
