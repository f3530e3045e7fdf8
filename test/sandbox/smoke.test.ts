import { afterAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { dockerReady } from '../helpers/docker.js';
import { unittestSuite } from '../helpers/unittest.js';

const ready = dockerReady();
const test = unittestSuite({ test_a: 'self.assertEqual(task_func(2), 4)', test_b: 'self.assertEqual(task_func(3), 9)' });

describe.skipIf(!ready.ok)('docker sandbox smoke', () => {
  const sb = new DockerSandbox({ parallel: 1 });
  afterAll(() => sb.close());
  it('judges pass, fail and imports', async () => {
    const t0 = Date.now();
    await sb.start();
    console.log('start ms', Date.now() - t0);
    const ok = await sb.runUnittest({ solution: 'import pandas as pd\ndef task_func(x):\n    return int(pd.Series([x]).pow(2)[0])\n', test, timeoutS: 10 });
    expect(ok.status).toBe('pass');
    const bad = await sb.runUnittest({ solution: 'def task_func(x):\n    return x+2\n', test, timeoutS: 10 });
    expect(bad.status).toBe('fail');
    expect(Object.keys(bad.details)).toEqual(['test_b']);
    console.log(ok.durationMs, bad.durationMs);
  });
});
