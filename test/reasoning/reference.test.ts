/**
 * Re-scores the published CRUXEval and CodeGlance results with real Python in the local sandbox:
 * per-sample booleans and pass@k must equal the published ones (CRUXEval) or today's re-score
 * (CodeGlance, whose data changed after the published run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTask } from '../../src/reasoning/data.js';
import { judgeGenerations, scoreJudged } from '../../src/reasoning/scoring.js';
import type { ScorerVersion } from '../../src/reasoning/types.js';
import { closeSandbox, dataDir, localSandbox, missing, noteSkip, referenceDir } from './helpers.js';

const cruxDir = join(referenceDir, 'cruxeval');
const skipCrux = missing('reference/cruxeval/scorer-versions.tsv', 'data/cruxeval/cruxeval.jsonl');
noteSkip(skipCrux);

function scorerTable(): [string, ScorerVersion[]][] {
  if (skipCrux) return [];
  const lines = readFileSync(join(cruxDir, 'scorer-versions.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, v] = l.split('\t') as [string, string];
    return [file, v === 'either' ? ['v1', 'v2'] : [v as ScorerVersion]];
  });
}

interface Published {
  raw_generations: Record<string, string[]>;
  raw_scored_generations: Record<string, boolean[]>;
  pass_at_1: number;
  pass_at_5: number;
}

afterAll(async () => {
  await closeSandbox();
});

describe.skipIf(!!skipCrux)('CRUXEval published files re-score exactly', () => {
  it.each(scorerTable())('%s', async (file, versions) => {
    const pub = JSON.parse(readFileSync(join(cruxDir, file), 'utf8')) as Published;
    const task = loadTask(file.includes('_input') ? 'cruxeval-i' : 'cruxeval-o', { dataDir });
    const t0 = performance.now();
    const judged = await judgeGenerations(task, pub.raw_generations, { sandbox: localSandbox() });
    console.log(`${file}: ${judged.judgments} judgments in ${Math.round(performance.now() - t0)} ms`);
    for (const v of versions) {
      const r = scoreJudged(judged, v);
      expect(Object.keys(r.scored).sort()).toEqual(Object.keys(pub.raw_scored_generations).sort());
      const differing = Object.keys(pub.raw_scored_generations).filter(
        (id) => JSON.stringify(r.scored[id]) !== JSON.stringify(pub.raw_scored_generations[id]),
      );
      expect(differing, `scorer ${v}`).toEqual([]);
      expect(Math.abs(r.passAtK.pass_at_1! - pub.pass_at_1)).toBeLessThan(1e-9);
      expect(Math.abs(r.passAtK.pass_at_5! - pub.pass_at_5)).toBeLessThan(1e-9);
    }
    // The published table lists the same numbers.
    const table = readFileSync(join(cruxDir, 'published-scores.tsv'), 'utf8');
    const row = table.split('\n').find((l) => l.startsWith(file.replace('.scored.json', '.json') + '\t'));
    expect(row, 'row in published-scores.tsv').toBeDefined();
    const [, , p1, p5] = row!.split('\t');
    expect(Math.abs(Number(p1) - pub.pass_at_1)).toBeLessThan(1e-9);
    expect(Math.abs(Number(p5) - pub.pass_at_5)).toBeLessThan(1e-9);
  }, 600_000);
});

const glanceFile = 'reference/codeglance/deepseek-coder-7b-instruct-v1.5_temp0.8_DS1000.scored.json';
const skipGlance = missing(glanceFile, 'data/codeglance/DS1000_reasoning.jsonl');
noteSkip(skipGlance);

describe.skipIf(!!skipGlance)('CodeGlance published example', () => {
  it('re-scores to 47.841 pass@1 on today\'s data', async () => {
    const pub = JSON.parse(readFileSync(join(referenceDir, '..', glanceFile), 'utf8')) as Published & Record<string, number>;
    const task = loadTask('codeglance-ds1000', { dataDir });
    const judged = await judgeGenerations(task, pub.raw_generations, { sandbox: localSandbox() });
    const r = scoreJudged(judged, 'v1');
    expect(r.passAtK.pass_at_1!.toFixed(3)).toBe('47.841');
    expect(Object.keys(r.passAtK)).toEqual(['pass_at_1', 'pass_at_3', 'pass_at_5', 'pass_at_10']);
    // Only the rows whose data changed after the published run differ.
    const differing = Object.keys(pub.raw_scored_generations).filter(
      (id) => JSON.stringify(r.scored[id]) !== JSON.stringify(pub.raw_scored_generations[id]),
    );
    console.log('CodeGlance re-score', r.passAtK, 'published', pub.pass_at_1, 'differing samples', differing);
    expect(differing.length).toBeLessThanOrEqual(2);
    // 41 rows can never pass: their result is not a usable Python value.
    const never = task.items.filter((it) => it.family === 'codeglance' && /^(nan|B)$/.test(it.result.trim()));
    expect(never.every((it) => r.scored[it.id]!.every((b) => !b))).toBe(true);
  }, 600_000);
});
