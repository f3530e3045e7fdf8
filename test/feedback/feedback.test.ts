import { describe, expect, it } from 'vitest';
import { PASSED_ALL_TESTS } from '../../src/feedback/constants.js';
import { executionFeedback, partialTestNames, truncateFeedback } from '../../src/feedback/execution.js';
import { codeFromAnswer, importHeader } from '../../src/feedback/extract.js';
import { leakScore, postprocessUserFeedback } from '../../src/feedback/user.js';
import type { ExecResult } from '../../src/sandbox/types.js';
import { PROFILES } from '../../src/episode/protocol.js';

const CCW = PROFILES.convcodeworld;
const CLEAN = PROFILES.clean;

const result = (details: Record<string, string>, over: Partial<ExecResult> = {}): ExecResult => ({
  status: Object.keys(details).length ? 'fail' : 'pass', details,
  tests: ['test_a', 'test_b', 'test_c', 'test_d'], compatOrder: ['setUp', 'test_a', 'test_b', 'test_c', 'test_d'],
  timedOut: false, oom: false, durationMs: 1, ...over,
});

describe('execution feedback', () => {
  it('lists every failing test as NAME + traceback with full tests', () => {
    const fb = executionFeedback(result({ test_b: 'Traceback b  ', test_d: 'Traceback d' }), 'full', CCW);
    expect(fb.text).toBe('TEST_B\nTraceback b  \n\nTEST_D\nTraceback d\n');
    expect(fb.failing).toEqual(['test_b', 'test_d']);
  });
  it('clean: partial tests only show failures among the first three test methods, and a module crash', () => {
    const r = result({ test_d: 'Traceback d' });
    expect(executionFeedback(r, 'partial', CLEAN).text).toBe(PASSED_ALL_TESTS);
    expect(executionFeedback(result({ test_c: 'x', test_d: 'y' }), 'partial', CLEAN).failing).toEqual(['test_c']);
    expect(executionFeedback(result({ ALL: 'boom' }), 'partial', CLEAN).text).toBe('ALL\nboom\n');
  });
  it('convcodeworld: setUp takes a place among the first three, and a module crash reads as passed', () => {
    expect(partialTestNames(result({}), CCW.partialTests)).toEqual(['setUp', 'test_a', 'test_b']);
    expect(executionFeedback(result({ test_c: 'x' }), 'partial', CCW).passed).toBe(true);
    expect(executionFeedback(result({ test_b: 'x' }), 'partial', CCW).failing).toEqual(['test_b']);
    expect(executionFeedback(result({ ALL: 'boom' }), 'partial', CCW).text).toBe(PASSED_ALL_TESTS);
  });
  it('a failed run with no per-test details: empty text, still a failure (full); nothing shown reads as passed (partial)', () => {
    for (const p of [CCW, CLEAN]) {
      expect(executionFeedback(result({}, { status: 'timeout' }), 'full', p)).toMatchObject({ passed: false, failing: [], text: '' });
      expect(executionFeedback(result({}, { status: 'fail' }), 'partial', p).text).toBe(PASSED_ALL_TESTS);
    }
  });
  it('truncates at 8000 characters: head lines, "...", tail lines', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i} ` + 'x'.repeat(500));
    const out = truncateFeedback(lines.join('\n'));
    const [head, tail] = out.split('\n...\n') as [string, string];
    expect(head.length).toBeLessThanOrEqual(2000);
    expect(head.startsWith('line 0')).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(4000);
    expect(tail.endsWith('x'.repeat(500))).toBe(true);
    expect(tail).toContain('line 19');
    const one = truncateFeedback('y'.repeat(9000));
    expect(one.split('\n')).toHaveLength(3);
    expect(truncateFeedback('short')).toBe('short');
  });
  it('a forced cut applies the window at any length; a rear of 0 keeps the whole tail (Python s[-0:])', () => {
    const text = Array.from({ length: 12 }, (_, i) => `l${i}-` + 'y'.repeat(30)).join('\n');
    const [head, tail] = truncateFeedback(text, undefined, { front: 10, rear: 20 }).split('\n...\n') as [string, string];
    expect(head).toBe(text.slice(0, 10));
    expect(tail).toBe(text.split('\n').slice(-5).join('\n').slice(-20));
    expect(truncateFeedback(text, undefined, { front: 0, rear: 0 })).toBe(`\n...\n${text.split('\n').slice(-5).join('\n')}`);
  });
});

describe('code extraction', () => {
  it('prefers the first closed python block, then a closed bare block, then the cut raw text', () => {
    expect(codeFromAnswer('a\n```python\nx = 1\n```\n```python\ny\n```').code).toBe('x = 1');
    expect(codeFromAnswer('```\nz = 2\n```').code).toBe('z = 2');
    expect(codeFromAnswer('no code here')).toEqual({ code: 'no code here', fenced: false });
    // An unclosed fence is not a block: the text is used with its fence marks removed.
    expect(codeFromAnswer('```python\nw = 3\n')).toEqual({ code: 'python\nw = 3\n', fenced: false });
    expect(codeFromAnswer('```py\nv = 4\n```')).toEqual({ code: 'py\nv = 4\n', fenced: false });
  });
  it('cuts at a --- line between blank lines and at the first triple newline, before looking for fences', () => {
    expect(codeFromAnswer('```python\na = 1\n```\n\n---\n\n```python\nb\n```').code).toBe('a = 1');
    expect(codeFromAnswer('```python\nimport os\n\n\ndef f():\n    pass\n```').code).toBe('python\nimport os');
  });
  it('clean: empty code after extraction is judged as empty code', () => {
    expect(codeFromAnswer('```python\n \n```')).toMatchObject({ code: '', error: 'EMPTY_CODE' });
    expect(codeFromAnswer('')).toMatchObject({ error: 'EMPTY_CODE' });
  });
  it('convcodeworld: an empty block keeps the cut text (flagged, not an error); only an empty string is empty', () => {
    expect(codeFromAnswer('```\n\n```\nmore', 'convcodeworld')).toEqual({ code: '```\n\n```\nmore', fenced: true, error: 'EMPTY_CODE' });
    expect(codeFromAnswer('Sure.\n```\n\n```\n\n\nlater', 'convcodeworld').code).toBe('Sure.\n```\n\n```');
    expect(codeFromAnswer('```python\n \n```', 'convcodeworld')).toEqual({ code: ' ', fenced: true });
    expect(codeFromAnswer('```python\nx = 1\n```', 'convcodeworld')).toEqual({ code: 'x = 1', fenced: true });
  });
  it('takes the import header up to def task_func', () => {
    expect(importHeader('import os\nX = 1\ndef task_func(a):\n')).toBe('import os\nX = 1\n');
  });
});

describe('simulated user feedback', () => {
  it('keeps text before --- and a triple newline; the expert is cut at a newline before a fence', () => {
    expect(postprocessUserFeedback('Fix the loop.\n---\nignored', false)).toBe('Fix the loop.');
    expect(postprocessUserFeedback('One.\n\n\nTwo.', false)).toBe('One.');
    expect(postprocessUserFeedback('One.\n \n\nTwo.', false)).toBe('One.\n \n\nTwo.');
    expect(postprocessUserFeedback('Use a dict.\n```python\nd = {}\n```', true)).toBe('Use a dict.');
    expect(postprocessUserFeedback('Use `d = {}` here.', true)).toBe('Use `d = {}` here.');
    expect(postprocessUserFeedback('Use a dict.\n```python\nd = {}\n```', false)).toContain('```');
    // The original passes the cut text on untrimmed.
    expect(postprocessUserFeedback('Fix the loop.\n---\nignored', false, false)).toBe('Fix the loop.\n');
  });
  it('scores quoted reference code high and prose low', () => {
    const ref = '    counts = Counter(words)\n    return dict(counts)\n';
    expect(leakScore('Return dict(counts) after counts = Counter(words).', ref)).toBeGreaterThan(0.4);
    expect(leakScore('Count the words and return a dictionary.', ref)).toBe(0);
  });
});
