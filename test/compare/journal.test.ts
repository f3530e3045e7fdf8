/** Journals read once: a grown file from where the last read ended, a rewritten one again; records checked in full only when shown. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalCache, scanJournal } from '../../src/compare/journal.js';
import { checkEpisode } from '../../src/compare/episodes.js';
import { readRun } from '../../src/compare/load.js';
import { fakeLiveRun } from '../replay/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const rec = (id: string, status = 'pass'): string => JSON.stringify({ version: 1, task_id: id, turns: [{ turn: 0, code: 'x', status }] }) + '\n';

describe('scanJournal with a cache', () => {
  it('reads a grown journal from where the last read ended: earlier records are not parsed again', () => {
    const f = join(root, 'grow.jsonl');
    writeFileSync(f, rec('a') + rec('b'));
    const cache = new JournalCache();
    const first = scanJournal<{ task_id: string }>(f, checkEpisode, cache);
    expect(scanJournal(f, checkEpisode, cache)).toBe(first); // unchanged: the same read
    appendFileSync(f, rec('c'));
    const second = scanJournal<{ task_id: string }>(f, checkEpisode, cache);
    expect(second.records.map((r) => r.task_id)).toEqual(['a', 'b', 'c']);
    expect(second.records[0]).toBe(first.records[0]);
    expect(second.lines).toEqual([1, 2, 3]);
    expect(first.records).toHaveLength(2); // the earlier read is left as it was
  });

  it('follows a torn last line to its completion, and a rewritten file from its start', () => {
    const f = join(root, 'torn.jsonl');
    const cache = new JournalCache();
    const whole = rec('b');
    writeFileSync(f, rec('a') + whole.slice(0, 20));
    expect(scanJournal(f, checkEpisode, cache)).toMatchObject({ torn: 2, lines: [1] });
    appendFileSync(f, whole.slice(20));
    expect(scanJournal<{ task_id: string }>(f, checkEpisode, cache).records.map((r) => r.task_id)).toEqual(['a', 'b']);
    // Rewritten in place (same inode), longer, different first record: read again from the start.
    writeFileSync(f, rec('z') + rec('b') + rec('c'));
    expect(scanJournal<{ task_id: string }>(f, checkEpisode, cache).records.map((r) => r.task_id)).toEqual(['z', 'b', 'c']);
    // A bad line that is no longer the last is an error, as in a full read.
    appendFileSync(f, '{"task_id": "d", "tu\n' + rec('e'));
    expect(() => scanJournal(f, checkEpisode, cache)).toThrow(/torn\.jsonl:4: malformed JSON/);
  });

  it('gives what a read without a cache gives, line by line as a writer appends', () => {
    const f = join(root, 'bytes.jsonl');
    const text = rec('a') + rec('b', 'fail') + '\n' + rec('c');
    const cache = new JournalCache();
    for (let n = 1; n <= text.length; n += 7) {
      writeFileSync(f, text.slice(0, n));
      expect(JSON.stringify(scanJournal(f, checkEpisode, cache)), `${n} bytes`).toBe(JSON.stringify(scanJournal(f, checkEpisode)));
    }
  });
});

describe('records checked cheaply when read, in full when shown', () => {
  it('reads a run whose record has a bad field no score uses; the task names file:line when its turns are shown', () => {
    const d = fakeLiveRun(join(root, 'bad-code'), { setting: 'CF', model: 'offline:B', maxTurns: 1, solvedAt: [0, null] });
    const lines = readFileSync(join(d, 'episodes.jsonl'), 'utf8').trimEnd().split('\n');
    const bad = JSON.parse(lines[1]!) as { turns: { code: unknown }[] };
    bad.turns[0]!.code = 5;
    writeFileSync(join(d, 'episodes.jsonl'), `${lines[0]}\n${JSON.stringify(bad)}\n`);
    const r = readRun(d);
    if (r.kind !== 'world') throw new Error('not a world run');
    expect(r.run.mrr).toBe(0.5);
    expect(r.run.tasks.map((t) => t.nTurns)).toEqual([2, 2]);
    const badTask = r.run.tasks.find((t) => t.rr === 0)!;
    expect(() => badTask.turns).toThrow(/episodes\.jsonl:2: field "turns\.0\.code" Expected string/);
    expect(r.run.tasks.find((t) => t.rr === 1)!.turns).toHaveLength(2);
  });

  it('still refuses, when read, a record whose scored fields are wrong', () => {
    const d = fakeLiveRun(join(root, 'bad-status'), { setting: 'CF', model: 'offline:S', maxTurns: 1, solvedAt: [0] });
    const rec0 = JSON.parse(readFileSync(join(d, 'episodes.jsonl'), 'utf8')) as { turns: { status: string }[] };
    rec0.turns[1]!.status = 'passed';
    writeFileSync(join(d, 'episodes.jsonl'), JSON.stringify(rec0) + '\n');
    expect(() => readRun(d)).toThrow(/episodes\.jsonl:1: field "turns\.1\.status"/);
  });
});

describe('checkEpisode', () => {
  it('refuses a record of a newer format version, and takes one without a version (written before it existed)', () => {
    const r = { task_id: 'a', turns: [{ turn: 0, code: 'x', status: 'pass' }] };
    expect(checkEpisode(r)).toBeUndefined();
    expect(checkEpisode({ ...r, version: 1 })).toBeUndefined();
    expect(checkEpisode({ ...r, version: 2 })).toMatch(/field "version" written by a newer format version/);
    expect(checkEpisode({ ...r, version: 'x' })).toMatch(/field "version"/);
  });
});
