/**
 * The protocol, rule by rule, with a scripted coder and user (see docs/protocol.md). Episodes follow
 * the default protocol (convcodeworld) unless a test passes CLEAN; a rule on which the two
 * profiles differ is tested under both.
 */
import { describe, expect, it } from 'vitest';
import { CLEAN, CODE, HEADER, live, samples, stepsOf, TASK } from './helpers.js';

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
    expect(fix).toContain('Previous code:\n```python\n' + CODE.syntax);
    expect(fix).toContain('Compilation feedback:\nTraceback (most recent call last):');
    expect(fix).not.toContain('Execution feedback');
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
    expect(p).toContain(`Execution feedback:\n${text}`);
    expect(p).toContain(TASK.instruct_prompt);
    expect(p).not.toContain('Compilation feedback');
    expect(statuses(r)).toEqual(['fail', 'pass', 'pass', 'pass']);
  });

  it('convcodeworld asks with the generic "return the final code" wording; clean asks for a corrected program', async () => {
    const ccw = await live('CF_EF_FULL', [CODE.failA, CODE.pass]);
    const clean = await live('CF_EF_FULL', [CODE.failA, CODE.pass], [], CLEAN);
    expect(ccw.coder.calls[1]!.prompt).toContain('Return the final code');
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
    expect(ccw.coder.calls[1]!.prompt).toContain('Execution feedback:\nALL\n');
    expect(ccw.coder.calls[1]!.prompt).toContain('Previous code:\n```python\n' + HEADER + CODE.failA);
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
    const r = await live('CF_SNF', [CODE.failA], ['Python stops with a syntax error.'], {}, samples(CODE.syntax));
    expect(stepsOf(r)).toEqual([[], ['user', 'refine-user'], [], []]);
    expect(r.user.calls[0]!.prompt).toContain('Compilation feedback:\nTraceback');
    expect(r.user.calls[0]!.prompt).not.toContain('\nExecution feedback:\n');
    expect(r.coder.calls[0]!.prompt).toContain('User feedback:\nPython stops with a syntax error.');
    expect(r.coder.calls[0]!.prompt).not.toContain('Compilation feedback');
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
    for (const [over, shown] of [[{}, 'ALL'], [CLEAN, 'TEST_A']] as const) {
      const r = await live('CF_EF_FULL_SEF', [CODE.failA, CODE.pass], ['The first check fails.'], over, samples(CODE.syntax));
      expect(stepsOf(r)[1]).toEqual(['compile-fix', 'user', 'refine-user']);
      // convcodeworld: the feedback is still about the code the turn started from.
      expect(r.user.calls[0]!.prompt).toContain(`Execution feedback:\n${shown}`);
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
    const empty = 'Here you go.\n\n```python\n\n```\n';
    const ccw = await live('CF_EF_FULL', [CODE.failA, '']);
    expect(ccw.coder.calls[1]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(ccw.rec.turns[1]!.extractError).toBe('EMPTY_CODE');
    expect(ccw.rec.turns[1]!.code).toBe(HEADER + empty);
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
