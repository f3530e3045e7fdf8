import { afterAll, describe, expect, it } from 'vitest';
import { SECOND_RUN_HASH_SEED } from '../../src/reasoning/synth/execute.js';
import { LocalSandbox } from '../../src/sandbox/local.js';

const sb = new LocalSandbox({ parallel: 1 });
afterAll(() => sb.close());

describe('synth second run: a fixed string-hash seed', () => {
  it('fresh children asked for one seed agree from run to run; without one they need not', async () => {
    const item = { code: "__result__ = hash('case2code')", timeoutS: 5 };
    const seeded = async (): Promise<unknown> => (await sb.runChecks([item], { fresh: true, hashSeed: SECOND_RUN_HASH_SEED }))[0]!.value;
    const a = await seeded();
    const b = await seeded();
    expect(typeof a).toBe('number');
    expect(b).toBe(a);
    // The forked first run uses the sandbox's seed 0: a different seed, so set-order dependence still shows.
    const first = (await sb.runChecks([item]))[0]!.value;
    expect(first).not.toBe(a);
    const randoms = new Set<unknown>();
    for (let i = 0; i < 3; i++) randoms.add((await sb.runChecks([item], { fresh: true }))[0]!.value);
    expect(randoms.size).toBeGreaterThan(1);
  }, 60_000);
});
