import { describe, expect, it } from 'vitest';
import { main as runEval } from '../../src/cli/run-eval.js';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { cliRunner } from '../helpers/cli.js';

describe('a judgment\'s time limit has an upper bound (3600 s: Node timers overflow above 2^31-1 ms)', () => {
  const evalCli = cliRunner(runEval);

  it('run-eval refuses a larger --timeout in one line before anything runs', async () => {
    expect(await evalCli.run('--canonical', '--timeout', '3000000', '--sandbox', 'local', '--out', '/nonexistent/never-made')).toBe(2);
    expect(evalCli.stderr()).toMatch(/^run-eval: --timeout: number must be less than or equal to 3600, got "3000000"\n$/);
  });

  it('the sandbox itself refuses one (a library caller), instead of timing out after milliseconds', async () => {
    const sb = new LocalSandbox({ parallel: 1 });
    await expect(sb.runUnittest({ solution: 'x = 1', test: 'pass', timeoutS: 3_000_000 })).rejects.toThrow(/at most 3600 s, got 3000000/);
    await sb.close();
  });
});
