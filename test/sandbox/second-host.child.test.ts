import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker.js';

// The second process of faults.test.ts ("another host on the same engine"); skipped when run on its own.
describe.skipIf(!process.env.CODECONV_SECOND_HOST_CHILD)('a run under a second hostname', () => {
  it('starts its sandbox and judges', async () => {
    expect(hostname()).toBe('other-host');
    const sb = new DockerSandbox({ parallel: 1 });
    try {
      await sb.start();
      const r = await sb.runUnittest({
        solution: 'def task_func():\n    return 2\n',
        test: 'import unittest\nclass TestCases(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(task_func(), 2)\n',
        timeoutS: 20,
      });
      expect(r.status).toBe('pass');
    } finally {
      await sb.close();
    }
  });
});
