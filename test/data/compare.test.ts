import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareRunDirs, toMarkdown } from '../../src/compare/compare.js';
import { buildFixtureRuns } from '../compare/fixtures.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('compare-runs names the data set of the runs', () => {
  it('one line for one data set; a warning when runs read different versions', () => {
    dir = mkdtempSync(join(tmpdir(), 'codeconv-compare-ds-'));
    buildFixtureRuns(dir);
    expect(toMarkdown(compareRunDirs([dir], { resamples: 50, seed: 1 }))).toContain('\nData set: sample-tasks.jsonl\n');
    const f = join(dir, 'live-B', 'summary.json');
    writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), dataset: 'bigcodebench@v0.1.0_hf' }));
    expect(toMarkdown(compareRunDirs([dir], { resamples: 50, seed: 1 }))).toContain('Data sets: sample-tasks.jsonl, bigcodebench@v0.1.0_hf (runs on different data sets: their numbers are not comparable)');
  });
});
