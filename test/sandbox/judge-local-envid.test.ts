import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { judgeHash } from '../../src/sandbox/paths.js';

// The interpreter the local judge runs: `python3` on the judge's own PATH, not the caller's.
const judgePython = spawnSync('python3', ['-c', 'import sys; print(sys.version.split()[0])'], {
  encoding: 'utf8', env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
}).stdout.trim();

describe('local sandbox environment id', () => {
  const started = new LocalSandbox({ parallel: 1 });
  const early = new LocalSandbox({ parallel: 1 });
  afterAll(async () => { await started.close(); await early.close(); });

  it("comes from the judge's ready message once started", async () => {
    await started.start();
    expect(started.environmentId()).toBe(`local:python3:${judgePython}:judge-${judgeHash()}`);
  });

  it('asked before any judge started, names the same interpreter the judge then reports', async () => {
    const before = early.environmentId();
    await early.start();
    expect(early.environmentId()).toBe(before);
    expect(before).toBe(started.environmentId());
  });
});
