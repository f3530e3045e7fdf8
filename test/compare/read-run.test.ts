/** readRun: one reader per kind, chosen by config.yaml's kind; compare-runs reads every kind. */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRunDirs, toMarkdown } from '../../src/compare/compare.js';
import { readJournal } from '../../src/compare/journal.js';
import { readRun, runKindOf } from '../../src/compare/load.js';
import { EpisodeRecordSchema } from '../../src/episode/record-schema.js';
import { fakeLiveRun } from '../replay/helpers.js';
import { buildAllKinds, reasoningRun } from '../view/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'read-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
buildAllKinds(root);

describe('readRun', () => {
  it('dispatches on the kind config.yaml records', () => {
    expect(readRun(join(root, 'world', 'live-A')).kind).toBe('world');
    expect(readRun(join(root, 'world', 'static-A')).kind).toBe('bench');
    expect(readRun(join(root, 'reasoning', 'crux-o')).kind).toBe('reasoning');
    expect(readRun(join(root, 'eval', 'bcb')).kind).toBe('eval');
    expect(readRun(join(root, 'repo', 'strong')).kind).toBe('repo');
  });

  it('names an unknown kind instead of guessing', () => {
    const d = join(root, 'odd', 'mystery');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.yaml'), 'version: 1\nkind: mystery\n');
    expect(() => runKindOf(d)).toThrow(/kind.*mystery/s);
    const empty = join(root, 'odd', 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => runKindOf(empty)).toThrow(/not a run directory of a known kind/);
  });

  it('reads a run-world run still being written from its config and journal, and says where its last line is torn', () => {
    const d = fakeLiveRun(join(root, 'odd', 'growing'), { setting: 'CF', model: 'offline:G', maxTurns: 2, solvedAt: [0, null] });
    rmSync(join(d, 'summary.json'));
    appendFileSync(join(d, 'episodes.jsonl'), '{"task_id": "x", "tu');
    const r = readRun(d);
    expect(r.kind).toBe('world');
    if (r.kind !== 'world') return;
    expect(r.run).toMatchObject({ model: 'offline:G', setting: 'CF', maxTurns: 2, finished: false, tornLine: 3, mrr: 0.5 });
    expect(readJournal(join(d, 'episodes.jsonl'), EpisodeRecordSchema).torn).toBe(3);
    // A bad line that is not the last is an error, not a tail.
    appendFileSync(join(d, 'episodes.jsonl'), '\n{}\n');
    expect(() => readRun(d)).toThrow(/episodes\.jsonl:3: malformed JSON/);
  });
});

describe('compare-runs on run-reasoning directories', () => {
  it('gives pass@1 and pass@5 with CIs, and no pass@5 when a run has one sample per item', () => {
    reasoningRun(join(root, 'reasoning-n1', 'c2c'), 'offline:0.5', 'case2code', [[true], [false]]);
    const c = compareRunDirs([join(root, 'reasoning'), join(root, 'reasoning-n1')], { resamples: 200 });
    expect(c.reasoning!.map((r) => r.task)).toEqual(['cruxeval-o', 'case2code']);
    const md = toMarkdown(c);
    expect(md).toMatch(/\| offline:0\.6 \(synthetic\) \| cruxeval-o \| 3 \| 5 \| 60\.0 \[\d+\.\d, \d+\.\d\] \| 100\.0 \[100\.0, 100\.0\] \|/);
    expect(md).toMatch(/\| offline:0\.5 \(synthetic\) \| case2code \| 2 \| 1 \| 50\.0 \[0\.0, 100\.0\] \| - \(n < 5\) \|/);
  });
});
