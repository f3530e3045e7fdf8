/** Re-scoring a published scored file compares with the pass@1 the file carries and names the scorer version it needs. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/run-reasoning.js';
import { cliRunner } from '../helpers/cli.js';
import { dataDir, missing, noteSkip, referenceDir } from './helpers.js';

// scorer-versions.tsv: this file needs v1 (v2 drops its filtered answers); the gpt-4 one reproduces under either.
const V1_ONLY = 'deepseek-base-1.3b_temp0.8_output.scored.json';
const EITHER = 'gpt-4-0613_temp0.2_output.scored.json';
const skip = missing(`reference/cruxeval/${V1_ONLY}`, `reference/cruxeval/${EITHER}`, 'data/cruxeval/cruxeval.jsonl');
noteSkip(skip);

const dir = mkdtempSync(join(tmpdir(), 'published-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { run, stdout } = cliRunner(main);
const local = ['--sandbox', 'local', '--parallel', '2', '--data-dir', dataDir];
const score = (file: string, out: string, ...extra: string[]) => run('score', '--task', 'cruxeval-o', '--generations', join(referenceDir, 'cruxeval', file), ...local, ...extra, '--out', join(dir, out));
const summary = (out: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe.skipIf(!!skip)('run-reasoning score on a published file', () => {
  it('a file that reproduces only under --scorer v1: said so under the default v2, both values printed', async () => {
    expect(await score(V1_ONLY, 'v2')).toBe(0);
    expect(stdout()).toMatch(/pass_at_1: file 25\.9250, re-scored 25\.9292 \(--scorer v2\): NOT reproduced under --scorer v2; this file reproduces only under --scorer v1 \(25\.9250\)/);
    expect(summary('v2').published).toMatchObject({ pass_at_1: expect.closeTo(25.925, 9), reproduced: false, other_scorer: 'v1', other_reproduced: true });
    expect(await score(V1_ONLY, 'v1', '--scorer', 'v1')).toBe(0);
    expect(stdout()).toMatch(/pass_at_1: file 25\.9250, re-scored 25\.9250 \(--scorer v1\): reproduced only under --scorer v1 \(--scorer v2 gives 25\.9292\)/);
  }, 120_000);

  it('a file that reproduces under either version', async () => {
    expect(await score(EITHER, 'either')).toBe(0);
    expect(stdout()).toMatch(/pass_at_1: file 68\.7000, re-scored 68\.7000 \(--scorer v2\): reproduced \(under either scorer version\)/);
  }, 120_000);

  it('the score directory is its own kind: another file, or another command\'s directory, is refused', async () => {
    expect(await score(V1_ONLY, 'either')).toBe(2);
  }, 120_000);
});
