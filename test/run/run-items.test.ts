import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { RunDir } from '../../src/run/run-dir.js';
import { runItems, type RunItemsOptions } from '../../src/run/run-items.js';
import { versionField } from '../../src/run/format.js';
import { InfraError } from '../../src/util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'run-items-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RecSchema = z.object({ version: versionField, id: z.string(), value: z.number(), error: z.string().optional() });
type Rec = z.infer<typeof RecSchema>;

let n = 0;
function open(out = join(root, `run-${n++}`)): RunDir {
  return RunDir.open({ dir: out, kind: 'world', identity: {}, config: {}, journal: 'items.jsonl' });
}

function options(dir: RunDir, items: string[], work: (id: string, round: number) => Promise<Rec>, over: Partial<RunItemsOptions<string, Rec>> = {}): RunItemsOptions<string, Rec> {
  return { dir, journal: 'items.jsonl', schema: RecSchema, items, idOf: (s) => s, recordId: (r) => r.id, work, concurrency: 2, phase: 'test', ...over };
}

const lines = (dir: RunDir): Rec[] => readFileSync(dir.path('items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runItems: the run skeleton of every command', () => {
  it('returns the records in item order, whatever order they finish in, one journal line each', async () => {
    const dir = open();
    try {
      const delays: Record<string, number> = { a: 30, b: 5, c: 15, d: 0 };
      const run = await runItems(options(dir, ['a', 'b', 'c', 'd'], async (id) => { await sleep(delays[id]!); return { id, value: delays[id]! }; }));
      expect(run.records.map((r) => r?.id)).toEqual(['a', 'b', 'c', 'd']);
      expect(lines(dir).map((r) => r.id).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(lines(dir).every((r) => r.version !== undefined)).toBe(true);
      expect({ ran: run.ran, resumed: run.resumed }).toEqual({ ran: 4, resumed: 0 });
    } finally {
      dir.close();
    }
  });

  it('versioned: false appends each record as given (synth stage rows keep the original layout)', async () => {
    const dir = open();
    try {
      const Loose = z.object({ id: z.string(), value: z.number() });
      await runItems({ dir, journal: 'items.jsonl', schema: Loose, versioned: false, items: ['a'], idOf: (s) => s, recordId: (r) => r.id, work: async (id) => ({ id, value: 1 }), concurrency: 1, phase: 'test' });
      expect(readFileSync(dir.path('items.jsonl'), 'utf8')).toBe('{"id":"a","value":1}\n');
    } finally {
      dir.close();
    }
  });

  it('resumes after a torn last line: finished items are skipped, the torn one runs again', async () => {
    const out = join(root, 'torn');
    let dir = open(out);
    await runItems(options(dir, ['a', 'b'], async (id) => ({ id, value: 1 })));
    dir.close();
    appendFileSync(join(out, 'items.jsonl'), '{"id":"c","val'); // killed mid-write
    dir = open(out);
    try {
      const ran: string[] = [];
      const events: Array<{ done: number; total: number }> = [];
      let start: unknown;
      const run = await runItems(options(dir, ['a', 'b', 'c', 'd'], async (id) => { ran.push(id); return { id, value: 2 }; }, {
        reporter: { onRunStart: (e) => { start = e; }, onItemEnd: (e) => events.push({ done: e.done, total: e.total }) },
      }));
      expect(ran.sort()).toEqual(['c', 'd']);
      expect(run.records.map((r) => r?.value)).toEqual([1, 1, 2, 2]);
      expect(start).toMatchObject({ phase: 'test', total: 4, resumed: 2 });
      expect(events.map((e) => e.done).sort()).toEqual([3, 4]);
      expect(lines(dir).map((r) => r.id).slice(0, 2)).toEqual(['a', 'b']); // the torn tail was cut, not kept
      expect(lines(dir)).toHaveLength(4);
    } finally {
      dir.close();
    }
  });

  it('an item error is a record (appended, run again only when redo says so); an infrastructure error stops the run and keeps what was appended', async () => {
    const out = join(root, 'errors');
    let dir = open(out);
    const started: string[] = [];
    const work = async (id: string): Promise<Rec> => {
      started.push(id);
      if (id === 'b') return { id, value: 0, error: 'model refused' };
      if (id === 'd') { await sleep(20); throw new InfraError('SANDBOX_LOST', 'sandbox lost three times'); }
      return { id, value: 1 };
    };
    const err = await runItems(options(dir, ['a', 'b', 'c', 'd', 'e', 'f'], work, { concurrency: 1, redo: (r) => !!r.error })).catch((e: unknown) => e);
    dir.close();
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).code).toBe('SANDBOX_LOST');
    expect(started).toEqual(['a', 'b', 'c', 'd']); // nothing new starts after the failure
    expect(readFileSync(join(out, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Rec).id)).toEqual(['a', 'b', 'c']);

    dir = open(out);
    try {
      started.length = 0;
      const again = async (id: string): Promise<Rec> => { started.push(id); return { id, value: 3 }; };
      const run = await runItems(options(dir, ['a', 'b', 'c', 'e'], again, { concurrency: 1, redo: (r) => !!r.error }));
      expect(started).toEqual(['b', 'e']); // the errored item again, the finished ones not
      expect(run.records.map((r) => r?.value)).toEqual([1, 3, 1, 3]);
      expect(run.records.every((r) => !r?.error)).toBe(true);
    } finally {
      dir.close();
    }
  });

  it('never has more than `concurrency` items in flight', async () => {
    const dir = open();
    try {
      let inFlight = 0;
      let peak = 0;
      const items = Array.from({ length: 12 }, (_, i) => `t${i}`);
      await runItems(options(dir, items, async (id) => {
        peak = Math.max(peak, ++inFlight);
        await sleep(5 + (id.length % 3));
        inFlight--;
        return { id, value: 0 };
      }, { concurrency: 3 }));
      expect(peak).toBe(3);
    } finally {
      dir.close();
    }
  });

  it('rounds: items whose record asks for a redo run again, reported once', async () => {
    const dir = open();
    try {
      const tries: Record<string, number> = {};
      const ends: string[] = [];
      const run = await runItems(options(dir, ['a', 'b'], async (id, round) => {
        tries[id] = (tries[id] ?? 0) + 1;
        return id === 'b' && round < 3 ? { id, value: round, error: 'crushed' } : { id, value: round };
      }, { rounds: 5, redo: (r) => !!r.error, reporter: { onItemEnd: (e) => ends.push(e.record.id) } }));
      expect(tries).toEqual({ a: 1, b: 3 });
      expect(ends.sort()).toEqual(['a', 'b']);
      expect(run.records.map((r) => r?.value)).toEqual([1, 3]);
      expect(lines(dir)).toHaveLength(4);
    } finally {
      dir.close();
    }
  });
});
