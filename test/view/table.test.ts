/** The results table over runs listed from their summaries: their numbers at once, their intervals once read (in the background). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunIndex } from '../../src/view/index-dirs.js';
import { cellTitle, ciReady, warmCIs, worldTables } from '../../src/view/table.js';
import { buildAllKinds } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'view-table-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
buildAllKinds(root);
const boot = { resamples: 200, seed: 1 };
const summary = (id: string): Record<string, number> => JSON.parse(readFileSync(join(root, id, 'summary.json'), 'utf8')) as Record<string, number>;

describe('world tables over runs listed from their summaries', () => {
  it('shows each summary\'s number before any record is read, then the interval once the background read is done', async () => {
    const ix = new RunIndex(root);
    ix.refresh();
    const world = ix.list().filter((e) => e.kind === 'world' || e.kind === 'bench');
    expect(world.length).toBe(8);
    expect(world.every((e) => e.lazy && !e.run)).toBe(true);
    const cells = (pendingOk: boolean) => worldTables(ix.list(), boot, pendingOk)[0]!.rows.flatMap((r) => r.cells).flatMap((c) => [c.main, c.side]).filter((f) => f !== undefined);
    const first = cells(true);
    expect(first).toHaveLength(8);
    for (const f of first) {
      expect(f.pending).toBe(true);
      expect(f.value.estimate).toBe(summary(f.run).mrr);
      expect(cellTitle({ main: f })).toMatch(/over 4 \(interval: records being read\) \(world\/[^)]+\)$/);
    }
    expect(world.every((e) => e.lazy)).toBe(true); // drawing the table read nothing

    const filled = new Promise<void>((ok) => { ix.onFilled = ok; });
    const v = ix.version;
    ix.inBackground((e) => !ciReady(e, boot), (e) => warmCIs(ix.load(e), boot));
    await filled;
    expect(ix.version).toBe(v + 1);
    const after = cells(true);
    expect(after.map((f) => f.pending)).toEqual(after.map(() => undefined));
    for (const f of after) {
      expect(f.value.estimate).toBeCloseTo(summary(f.run).mrr!, 12);
      expect(f.value.lo).toBeLessThanOrEqual(f.value.estimate);
    }
    expect(after).toEqual(cells(false));
  });
});
