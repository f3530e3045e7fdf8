import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JudgeConnection } from '../../src/sandbox/connection.js';
import { SlotPool, type Slot } from '../../src/sandbox/pool.js';

describe('a slot pool whose engine goes away', () => {
  it('is unavailable while no slot starts, and refills once slots start again (no latch)', async () => {
    let engineUp = false;
    const pool = new SlotPool(2, async (): Promise<Slot> => {
      if (!engineUp) throw new Error('connect ENOENT /var/run/docker.sock');
      const out = new PassThrough();
      out.write(JSON.stringify({ ready: true, python: '3', pid: 1, preloaded: [], missing: [], preloadMs: 0 }) + '\n');
      return { conn: new JudgeConnection(new PassThrough(), out, 'fake'), destroy: async () => { out.end(); } };
    });
    await expect(pool.start()).rejects.toThrow(/could not start a sandbox slot 3 times/);
    expect(pool.unavailable?.message).toMatch(/ENOENT/);
    expect(await pool.refill()).toBe(false);
    engineUp = true;
    expect(await pool.refill()).toBe(true);
    expect(pool.unavailable).toBeUndefined();
    expect(await pool.with(async () => ({ value: 7, clean: true }))).toBe(7);
    await pool.close();
  });
});
