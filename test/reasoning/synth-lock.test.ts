import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSynth } from '../../src/reasoning/synth/pipeline.js';
import { lockRunDir } from '../../src/run/lock.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'synth-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synth takes the run-directory lock on --out', () => {
  it('a second synth on the same --out stops at once naming the first; the lock is gone afterwards', async () => {
    const out = join(dir, 'out');
    const deps = { sandbox: new FakeSandbox(), model: async () => { throw new Error('no model needed'); } };
    mkdirSync(out, { recursive: true });
    const held = lockRunDir(out);
    await expect(runSynth({ out, stage: 'filter', from: join(dir, 'missing.jsonl') }, deps)).rejects.toThrow(/is in use by pid \d+/);
    held.release();
    // Now the stage itself runs (and fails on its missing input, not on the lock), leaving no lock behind.
    await expect(runSynth({ out, stage: 'filter', from: join(dir, 'missing.jsonl') }, deps)).rejects.toThrow(/missing\.jsonl/);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });
});
