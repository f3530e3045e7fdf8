import { describe, expect, it } from 'vitest';
import { completionSplit, defName, lastPythonBlock, formatProblem, methodText, normalizeMethod, replacementFor } from '../../src/repo/candidate.js';
import { cutFile } from '../../src/repo/cut.js';
import { parseTestOutput } from '../../src/repo/parse.js';
import { chrF, commonPrefixRatio } from '../../src/repo/similarity.js';
import { toyTask } from './fixture.js';

const EQ = '='.repeat(70);
const DASH = '-'.repeat(70);

describe('parseTestOutput', () => {
  it('reads OK with skips as all passing', () => {
    const s = parseTestOutput('System check identified no issues.\n\nRan 12 tests in 0.301s\n\nOK (skipped=2)\n');
    expect(s).toMatchObject({ hasSummary: true, ok: true, ran: 12, failures: 0, errors: 0, pct: 1 });
  });
  it('reads FAILED counts and failure headers', () => {
    const out = `${EQ}\nFAIL: test_a (m.T)\n${DASH}\nTraceback...\n${EQ}\nERROR: test_b (m.T)\n${DASH}\nTraceback...\n\nRan 8 tests in 1.0s\n\nFAILED (failures=1, errors=1, skipped=3)\n`;
    const s = parseTestOutput(out);
    expect(s).toMatchObject({ ok: false, ran: 8, failures: 1, errors: 1, pct: 6 / 8 });
    expect(s.failed).toEqual(['FAIL: test_a (m.T)', 'ERROR: test_b (m.T)']);
  });
  it('uses max(N, failures+errors) and gives 0 without a summary', () => {
    expect(parseTestOutput('Ran 1 test in 0.1s\n\nFAILED (errors=3)\n').pct).toBe(0);
    expect(parseTestOutput('Traceback: ImportError\n')).toMatchObject({ hasSummary: false, ok: false, pct: 0 });
    expect(parseTestOutput('Ran 0 tests in 0.000s\n\nOK\n').ok).toBe(false);
  });
});

describe('candidate processing', () => {
  it('takes the last python block after the reasoning', () => {
    expect(lastPythonBlock('<think>```python\nx=1\n```</think>\n```python\na\n```\n```python\nb\n```')).toBe('b');
    expect(lastPythonBlock('no code')).toBe('');
  });
  it('checks the format', () => {
    expect(formatProblem('def slug(self, t):\n  pass', 'method_gen_multiturn', 'slug')).toBeNull();
    expect(formatProblem('@property\ndef slug(self):\n pass', 'program_repair', 'slug')).toBeNull();
    expect(formatProblem('import os\ndef slug(self): pass', 'method_gen_multiturn', 'slug')).toMatch(/must be the method only/);
    expect(formatProblem('def slugify(self): pass', 'method_gen_multiturn', 'slug')).not.toBeNull();
    expect(formatProblem('', 'completion', 'slug')).not.toBeNull();
  });
  it('dedents, drops decorators and blank lines, re-indents to the declaration', () => {
    expect(normalizeMethod('@dec\ndef f(self):\n\n    return 1\n', '    def f(self):')).toBe('    def f(self):\n        return 1');
  });
  it('splits completion at half the non-empty body lines', () => {
    const t = toyTask();
    const { prefix, continuation } = completionSplit(t);
    // 6 non-empty body lines: 3 stay (the docstring and 2 code lines, with the blank line between).
    expect(prefix.split('\n')).toHaveLength(1 + 4);
    expect(continuation.split('\n')[0]).toBe('        if not words:');
    expect(`${prefix}\n${continuation}`).toBe(`${t.method.declaration}\n${t.method.body}`);
  });
  it('replaces the declaration..body lines (1-based)', () => {
    const t = toyTask();
    const r = replacementFor(t, methodText(t, 'method_gen_multiturn', 'def slug(self, title):\n    return title'));
    expect(r).toEqual({ file: 'django/utils/toy.py', start: 9, end: 16, text: '    def slug(self, title):\n        return title' });
    expect(defName('  async def foo(x):')).toBe('foo');
  });
});

describe('similarity', () => {
  it('chrF is 100 for equal texts, lower for a change, 0 for nothing', () => {
    expect(chrF('return a + b', 'return a+b')).toBeCloseTo(100);
    const near = chrF('return a - b', 'return a + b');
    expect(near).toBeGreaterThan(50);
    expect(near).toBeLessThan(100);
    expect(chrF('', 'return a')).toBe(0);
  });
  it('common prefix ratio', () => {
    expect(commonPrefixRatio('abcX', 'abcd')).toBe(0.75);
    expect(commonPrefixRatio('x', '')).toBe(0);
  });
});

describe('cutFile', () => {
  it('cuts the non-class tail, then other classes, keeping the target class', () => {
    const text = ['import os', 'class A:', '    def a1(self):', '        return 1', '    def a2(self):', '        return 2', 'class T:', '    def t1(self):', '        return 3', 'def tail():', '    return 4', 'X = 1'].join('\n');
    const short = cutFile(text, text.length - 10, 'T');
    expect(short).not.toContain('X = 1');
    expect(short).toContain('class T:');
    const shorter = cutFile(text, 60, 'T');
    expect(shorter.length).toBeLessThanOrEqual(60);
    expect(shorter).toContain('class T:');
    expect(shorter).not.toContain('def a2');
    expect(cutFile(text, 10_000, 'T')).toBe(text);
    // A protected method (repair's target) stays even when everything else goes.
    const kept = cutFile(text, 30, 'T', [2, 3]);
    expect(kept).toContain('def a1(self):\n        return 1');
  });
});
