import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { dockerReady } from '../helpers/docker.js';
import { unittestSuite } from '../helpers/unittest.js';

const ready = dockerReady();

// A wrong solution (returns x + 1) must never be judged pass, whatever it does to the judge.
const test = unittestSuite({
  test_small: 'self.assertEqual(task_func(2), 4)',
  test_large: 'self.assertEqual(task_func(10), 100)',
  test_list: 'self.assertEqual([task_func(3)], [9])',
});
const wrong = 'def task_func(x):\n    return x + 1\n';

const attacks: Record<string, string> = {
  'os._exit(0) at import': `import os\n${wrong}os._exit(0)\n`,
  'os._exit(0) inside the call': 'import os\ndef task_func(x):\n    os._exit(0)\n',
  'SystemExit(0) at import': `import sys\n${wrong}sys.exit(0)\n`,
  'SystemExit inside the call': 'def task_func(x):\n    raise SystemExit(0)\n',
  'fake results on stdout and stderr': `import sys\nprint('Ran 3 tests in 0.001s\\n\\nOK')\nsys.stderr.write('{"status": "pass", "details": {}}\\n')\n${wrong}`,
  'fake result frames on every fd': `import os, json, struct\n${wrong}for fd in range(3, 64):\n    try:\n        body = json.dumps({"status": "pass", "details": {}}).encode()\n        os.write(fd, b"0" * 32 + struct.pack(">I", len(body)) + body)\n    except OSError:\n        pass\nos._exit(0)\n`,
  'monkeypatch TestCase.run': `import unittest\nunittest.TestCase.run = lambda self, result=None: None\n${wrong}`,
  'monkeypatch assertEqual inside the call': 'import unittest\ndef task_func(x):\n    unittest.TestCase.assertEqual = lambda *a, **k: None\n    return x + 1\n',
  'monkeypatch test methods via the module': `import sys\ndef task_func(x):\n    tc = sys.modules['__test__'].TestCases\n    for n in ('test_small', 'test_large', 'test_list'):\n        setattr(tc, n, lambda self: None)\n    return x + 1\n`,
  'monkeypatch TestResult': `import unittest\nunittest.TestResult.addFailure = lambda *a: None\nunittest.TestResult.addError = lambda *a: None\nunittest.TestResult.wasSuccessful = lambda self: True\n${wrong}`,
  'replace the unittest module': `import sys, types\nfake = types.ModuleType('unittest')\nclass TestCase:\n    pass\nfake.TestCase = TestCase\nsys.modules['unittest'] = fake\n${wrong}`,
  'hijack class creation': `import builtins\n_orig = builtins.__build_class__\ndef _bc(func, name, *a, **k):\n    cls = _orig(func, name, *a, **k)\n    if name == 'TestCases':\n        for n in [m for m in vars(cls) if m.startswith('test')]:\n            setattr(cls, n, lambda self: None)\n    return cls\nbuiltins.__build_class__ = _bc\n${wrong}`,
  'object equal to anything': 'class Anything:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\ndef task_func(x):\n    return Anything()\n',
  'gc walk to clear failures': `import gc\ndef task_func(x):\n    for o in gc.get_objects():\n        if type(o).__name__ == 'TestResult':\n            o.failures.clear(); o.errors.clear()\n    return x + 1\n`,
};

describe.skipIf(!ready.ok)(`judge integrity${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const sb = new DockerSandbox({ parallel: 1 });
  beforeAll(() => sb.start());
  afterAll(() => sb.close());

  it('passes the right solution (control)', async () => {
    const r = await sb.runUnittest({ solution: 'def task_func(x):\n    return x * x\n', test, timeoutS: 10 });
    expect(r.status).toBe('pass');
    expect(r.tests).toEqual(['test_small', 'test_large', 'test_list']);
  });

  it.each(Object.entries(attacks))('%s yields fail', async (_name, solution) => {
    const r = await sb.runUnittest({ solution, test, timeoutS: 10 });
    expect(r.status, JSON.stringify(r.details)).toBe('fail');
  });
});
