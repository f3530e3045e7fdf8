import { afterAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../../src/sandbox/local.js';

const test = `
import unittest
class TestCases(unittest.TestCase):
    def test_a(self):
        self.assertEqual(task_func(2), 4)
    def test_env(self):
        import os
        self.assertNotIn('OPENAI_API_KEY', os.environ)
`;

describe('local sandbox (host subprocess, bubblewrap when present)', () => {
  process.env.OPENAI_API_KEY = 'sk-local-test';
  const sb = new LocalSandbox({ parallel: 1 });
  afterAll(async () => {
    await sb.close();
    delete process.env.OPENAI_API_KEY;
  });

  it('judges pass, fail and timeout, without the host environment', async () => {
    expect((await sb.runUnittest({ solution: 'def task_func(x):\n    return x * x\n', test, timeoutS: 10 })).status).toBe('pass');
    const bad = await sb.runUnittest({ solution: 'def task_func(x):\n    return 0\n', test, timeoutS: 10 });
    expect(bad.status).toBe('fail');
    expect(Object.keys(bad.details)).toEqual(['test_a']);
    const slow = await sb.runUnittest({ solution: 'def task_func(x):\n    while True:\n        pass\n', test, timeoutS: 1 });
    expect(slow.status).toBe('timeout');
    expect((await sb.runUnittest({ solution: 'def task_func(x):\n    return x * x\n', test, timeoutS: 10 })).status).toBe('pass');
  });

  it('runs isolated checks and reports syntax errors', async () => {
    const r = await sb.runChecks([
      { code: 'assert 1 + 1 == 2', timeoutS: 3 },
      { code: 'assert 1 == 2', timeoutS: 3 },
      { code: '__result__ = [repr(x) for x in (1, "a")]', timeoutS: 3 },
    ]);
    expect(r.map((x) => x.ok)).toEqual([true, false, true]);
    expect(r[2]!.value).toEqual(['1', "'a'"]);
    const syn = await sb.checkSyntax('def f(:\n  pass\n');
    expect(syn.ok).toBe(false);
    expect(syn.error).toMatch(/SyntaxError/);
    expect((await sb.checkSyntax('x = 1\n')).ok).toBe(true);
  });
});
