import { describe, expect, it } from 'vitest';
import { hubEnv } from '../../src/data/env.js';
import { userCacheDir } from '../../src/sandbox/paths.js';

describe('the test run', () => {
  it('points the Hub at the double on 127.0.0.1 and the caches at a fresh directory', () => {
    expect(hubEnv().endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hubEnv().hubCache).toMatch(/codeconv-test-caches-/);
    expect(userCacheDir()).toMatch(/codeconv-test-caches-.*\/cache$/);
  });
});

describe('the reasoning tests\' data directory', () => {
  it('is made of files pulled through the double when the reference copies exist', async () => {
    const { dataDir, sharedDir } = await import('../reasoning/helpers.js');
    const { existsSync } = await import('node:fs');
    if (!existsSync(sharedDir)) return void console.warn('[data tests] no reference copies: the reasoning tests skip');
    expect(dataDir).toBe(`${userCacheDir()}/reasoning-data-dir`);
    const { realpathSync } = await import('node:fs');
    expect(realpathSync(`${dataDir}/cruxeval/cruxeval.jsonl`)).toMatch(/\/hub\/datasets--cruxeval-org--cruxeval\/blobs\/[0-9a-f]{64}$/);
    expect(realpathSync(`${dataDir}/codeglance/PanNumEval_RAG.json`)).toMatch(/\/cache\/github\/greenlight2000--CodeGlance\/aa2d7d4\/data\//);
  });
});

describe('the run-eval tests\' data set', () => {
  it('is the name bigcodebench@v0.1.4, read through the double, when the reference copy exists', async () => {
    const { DATASET, SHARED } = await import('../helpers/bigcodebench-eval.js');
    const { existsSync } = await import('node:fs');
    if (!existsSync(SHARED)) return void console.warn('[data tests] no reference copies: the run-eval data tests skip');
    expect(DATASET).toBe('bigcodebench@v0.1.4');
    const { loadTaskSet } = await import('../../src/tasks/bigcodebench.js');
    const set = await loadTaskSet(DATASET);
    expect(set.all).toHaveLength(1140);
    expect(set.ref).toMatchObject({ check: 'pinned', sha256: '0877e9216fed1730a97bada5f7c7e9b0024a06532c13ee1158e8569a66fe7dc9' });
  });
});
