/**
 * The protocol, rule by rule, with a scripted coder and user (see docs/protocol.md). Episodes follow
 * the default protocol (convcodeworld) unless a test passes CLEAN; a rule on which the two
 * profiles differ is tested under both.
 */
import { describe, expect, it } from 'vitest';
import { liveSource } from '../../src/episode/live-source.js';
import { ScriptedModel } from '../helpers/scripted-model.js';
import { CLEAN, CODE, episode, hasField, HEADER, labelled, live, liveSig, said, samples, shows, stepsOf, TASK } from './helpers.js';

const statuses = (r: Awaited<ReturnType<typeof live>>): string[] => r.rec.turns.map((t) => t.status);
const CRASH = 'def task_func():\n    return 6  # fails: ALL';

describe('CF: compilation feedback only', () => {
  it('carries compiling code forward with no call; convcodeworld prepends the import header every turn, clean keeps the text', async () => {
    for (const [over, code] of [[{}, (k: number) => HEADER.repeat(k) + CODE.failA], [CLEAN, () => HEADER + CODE.failA]] as const) {
      const r = await live('CF', [CODE.failA], [], over);
      expect(r.coder.calls).toHaveLength(1);
      expect(stepsOf(r)).toEqual([['generate'], [], [], []]);
      expect(statuses(r)).toEqual(['fail', 'fail', 'fail', 'fail']);
      expect(r.rec.turns.slice(1).every((t) => t.unchanged)).toBe(true);
      expect(r.rec.turns.slice(1).map((t) => t.code)).toEqual([1, 2, 3].map((k) => code(k)));
    }
  });

  it('fixes a compile error with the previous code and the traceback, not execution feedback', async () => {
    const r = await live('CF', [CODE.failA], [], {}, samples(CODE.syntax));
    expect(stepsOf(r)).toEqual([[], ['compile-fix'], [], []]);
    const fix = r.coder.calls[0]!.prompt;
    expect(shows(fix, 'Previous code', CODE.syntax)).toBe(true);
    expect(shows(fix, 'Compilation feedback', 'Traceback (most recent call last):')).toBe(true);
    expect(hasField(fix, 'Execution feedback')).toBe(false);
    expect(r.rec.turns[1]!.code).toBe(HEADER + CODE.failA);
  });

  it('shares 3 calls per turn between compile fixes and the refinement; a still-broken version is fixed next turn', async () => {
    const r = await live('CF', [CODE.syntax, CODE.syntax, CODE.syntax, CODE.pass], [], {}, samples(CODE.syntax));
    expect(stepsOf(r)).toEqual([[], ['compile-fix', 'compile-fix', 'compile-fix'], ['compile-fix'], []]);
    expect(r.rec.turns[1]!.compilation!.ok).toBe(false);
    expect(statuses(r)).toEqual(['fail', 'fail', 'pass', 'pass']);
    expect(r.rec.turns[3]!.copied).toBe(true);
  });
});

describe('execution feedback without a user', () => {
  it('makes no call when the visible (first 3) tests pass', async () => {
    for (const over of [{}, CLEAN]) {
      const r = await live('CF_EF_UNIT', [CODE.failD], [], over);
      expect(r.coder.calls).toHaveLength(1);
      expect(r.rec.turns[1]!.feedback!.execution).toBe('Passed all test runs');
    }
  });

  it('refines from failing execution feedback: NAME, traceback untrimmed, entries joined by a newline', async () => {
    const r = await live('CF_EF_FULL', ['def task_func():\n    return 9  # fails: test_b,test_d', CODE.pass]);
    expect(stepsOf(r)[1]).toEqual(['refine-exec']);
    const trace = (t: string): string => `Traceback (most recent call last):\n  File "t.py", line 3, in ${t}\nAssertionError: ${t} wrong  `;
    const text = `TEST_B\n${trace('test_b')}\n\nTEST_D\n${trace('test_d')}\n`;
    expect(r.rec.turns[1]!.feedback!.execution).toBe(text);
    const p = r.coder.calls[1]!.prompt;
    expect(shows(p, 'Execution feedback', text)).toBe(true);
    expect(p).toContain(TASK.instruct_prompt);
    expect(hasField(p, 'Compilation feedback')).toBe(false);
    expect(statuses(r)).toEqual(['fail', 'pass', 'pass', 'pass']);
  });

  it('convcodeworld asks with the generic "return the final code" wording; clean asks for a corrected program', async () => {
    const ccw = await live('CF_EF_FULL', [CODE.failA, CODE.pass]);
    const clean = await live('CF_EF_FULL', [CODE.failA, CODE.pass], [], CLEAN);
    expect(ccw.coder.calls[1]!.prompt).toMatch(/the final code/i);
    expect(ccw.coder.calls[1]!.prompt).not.toContain('complete corrected program');
    expect(clean.coder.calls[1]!.prompt).toContain('complete corrected program');
  });

  it('a failed run without per-test details gives an empty text that still asks for a fix', async () => {
    const r = await live('CF_EF_FULL', [CODE.silent, CODE.pass]);
    expect(r.rec.turns[1]!.feedback!.execution).toBe('');
    expect(stepsOf(r)[1]).toEqual(['refine-exec']);
  });

  it('partial tests: convcodeworld takes the first 3 names of the method visit (Helper.prepare, setUp), clean the first 3 test methods', async () => {
    const ccw = await live('CF_EF_UNIT', [CODE.failB, CODE.pass]);
    expect(ccw.coder.calls).toHaveLength(1);
    expect(ccw.rec.turns[1]!.partialTests).toEqual(['prepare', 'setUp', 'test_a']);
    const failA = await live('CF_EF_UNIT', [CODE.failA, CODE.pass]);
    expect(stepsOf(failA)[1]).toEqual(['refine-exec']);
    const clean = await live('CF_EF_UNIT', [CODE.failB, CODE.pass], [], CLEAN);
    expect(stepsOf(clean)[1]).toEqual(['refine-exec']);
    expect(clean.rec.turns[1]!.partialTests).toEqual(['test_a', 'test_b', 'test_c']);
  });

  it('partial tests: a module-level crash reads as passed under convcodeworld, is shown under clean', async () => {
    const ccw = await live('CF_EF_UNIT', [CRASH]);
    expect(ccw.coder.calls).toHaveLength(1);
    expect(ccw.rec.turns[1]!.feedback!.execution).toBe('Passed all test runs');
    const clean = await live('CF_EF_UNIT', [CRASH, CODE.pass], [], CLEAN);
    expect(clean.rec.turns[1]!.feedback!.execution).toMatch(/^ALL\n/);
    expect(stepsOf(clean)[1]).toEqual(['refine-exec']);
  });

  it('after an in-turn compile fix, convcodeworld still shows the execution feedback of the old code; clean that of the fixed code', async () => {
    const ccw = await live('CF_EF_FULL', [CODE.failA, CODE.pass], [], {}, samples(CODE.syntax));
    expect(stepsOf(ccw)[1]).toEqual(['compile-fix', 'refine-exec']);
    expect(shows(ccw.coder.calls[1]!.prompt, 'Execution feedback', 'ALL\n')).toBe(true);
    expect(shows(ccw.coder.calls[1]!.prompt, 'Previous code', HEADER + CODE.failA)).toBe(true);
    const clean = await live('CF_EF_FULL', [CODE.failA, CODE.pass], [], CLEAN, samples(CODE.syntax));
    expect(stepsOf(clean)[1]).toEqual(['compile-fix', 'refine-exec']);
    expect(clean.coder.calls[1]!.prompt).toContain('Execution feedback:\nTEST_A\n');
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
    expect(u).toContain(CODE.failA);
    expect(shows(u, 'Compilation feedback', 'No syntax errors')).toBe(true);
    expect(shows(u, 'Execution feedback', 'TEST_A\n')).toBe(true);
    expect(hasField(u, 'Ground truth code')).toBe(false);
    expect(u).not.toContain('return 1');
    const c = r.coder.calls[1]!.prompt;
    expect(c).toMatch(/User feedback:\s*It breaks on my first check\./i);
    expect(shows(c, 'Execution feedback', 'TEST_A')).toBe(true);
    expect(hasField(c, 'Compilation feedback')).toBe(false);
  });

  it('without execution feedback: no call while the code compiles; a compile error goes to the novice, not to a fix call', async () => {
    const quiet = await live('CF_SNF', [CODE.failA]);
    expect(quiet.user.calls).toHaveLength(0);
    expect(quiet.coder.calls).toHaveLength(1);
    const r = await live('CF_SNF', [CODE.failA], ['Python stops with a syntax error.'], {}, samples(CODE.syntax));
    expect(stepsOf(r)).toEqual([[], ['user', 'refine-user'], [], []]);
    expect(shows(r.user.calls[0]!.prompt, 'Compilation feedback', 'Traceback')).toBe(true);
    expect(hasField(r.user.calls[0]!.prompt, 'Execution feedback')).toBe(false);
    expect(r.coder.calls[0]!.prompt).toMatch(/User feedback:\s*Python stops with a syntax error\./i);
    expect(hasField(r.coder.calls[0]!.prompt, 'Compilation feedback')).toBe(false);
  });
});

describe('expert user', () => {
  it('is called every unsolved turn; sees the reference and previous code, never the compilation feedback', async () => {
    const r = await live('CF_SEF', [CODE.failD, CODE.failD, CODE.pass], ['Check the returned value.', 'Still off.']);
    expect(stepsOf(r)).toEqual([['generate'], ['user', 'refine-user'], ['user', 'refine-user'], []]);
    const u = r.user.calls[0]!.prompt;
    expect(shows(u, 'Ground truth code', TASK.code_prompt + TASK.canonical_solution)).toBe(true);
    expect(hasField(u, 'Compilation feedback')).toBe(false);
    expect(hasField(u, 'Execution feedback')).toBe(false);
    expect(hasField(r.coder.calls[1]!.prompt, 'Execution feedback')).toBe(false);
  });

  it('sees failing execution feedback when the setting has it; compile errors are fixed before the expert speaks', async () => {
    for (const [over, shown] of [[{}, 'ALL'], [CLEAN, 'TEST_A']] as const) {
      const r = await live('CF_EF_FULL_SEF', [CODE.failA, CODE.pass], ['The first check fails.'], over, samples(CODE.syntax));
      expect(stepsOf(r)[1]).toEqual(['compile-fix', 'user', 'refine-user']);
      // convcodeworld: the feedback is still about the code the turn started from.
      expect(shows(r.user.calls[0]!.prompt, 'Execution feedback', shown)).toBe(true);
      expect(r.user.calls[0]!.prompt).toContain(HEADER + CODE.failA);
    }
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
    expect(r.rec.turns.slice(1).every((t) => t.copied && t.status === 'pass')).toBe(true);
    expect(r.rec.solved_at).toBe(0);
  });

  it('the coder stops at a --- line between blank lines; an empty code block keeps the cut text (convcodeworld) or is an error (clean)', async () => {
    const ccw = await live('CF_EF_FULL', [CODE.failA, '']);
    expect(ccw.coder.calls[1]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(ccw.rec.turns[1]!.extractError).toBe('EMPTY_CODE');
    // The answer is read after its label in the original's layout: the cut text is the empty block itself.
    expect(ccw.rec.turns[1]!.code).toBe(HEADER + '```python\n\n```');
    const clean = await live('CF_EF_FULL', [CODE.failA, ''], [], CLEAN);
    expect(clean.coder.calls[0]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(clean.rec.turns[1]!.extractError).toBe('EMPTY_CODE');
    expect(clean.rec.turns[1]!.code).toBe(HEADER);
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
    // Turn 0 is BigCodeBench's sanitized answer as it is: no header yet.
    expect(p.prompt).toContain(`\n\nPrevious Code:\n${CODE.syntax}\n\n`);
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
    expect(u.prompt).toContain('\n\nPrevious Code:\n```\n' + CODE.failA + '\n```\n\nCompilation Feedback: No syntax errors\n\n');
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
  return episode(setting, c, u, liveSource(u));
}
