import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/data.js';
import { cliRunner } from '../helpers/cli.js';
import { haveShared, useHubDouble } from '../helpers/hub-env.js';

const { run, stdout, stderr } = cliRunner(main);
const env = useHubDouble('codeconv-data-cli-');

describe('codeconv-data', () => {
  it('list: every name with licence and cache state, without the network', async () => {
    expect(await run('list')).toBe(0);
    const out = stdout();
    expect(out).toMatch(/^name\s+cache\s+size\s+rows\s+pin\s+licence\s+source/);
    expect(out).toMatch(/bigcodebench@v0\.1\.4\s+not cached\s+-\s+1140\s+pinned\s+Apache-2\.0\s+hf:bigcode\/bigcodebench@main/);
    expect(out).toMatch(/codeglance:ds1000\s+not cached.*none declared/);
    expect(out).toMatch(/convcodebench\s+not cached\s+-\s+1\s+unpinned\s+none declared/);
    expect(out).toMatch(/bigcodebench@v0\.1\.2\s+not cached\s+-\s+1140\s+unpinned\s/);
    expect(out).toMatch(/django\s+not cached\s+-\s+\?\s+unpinned\s+unknown\s+hf:anonauthor\/django_multi_task@main/);
    expect(env.hub().requests).toEqual([]);
  });

  it('list: django after a pull shows the rows found and the hash recorded at first download (trust on first use)', async () => {
    const row = (i: number) => JSON.stringify({ idx: i, dp_id: `d#${i}`, tests: { full_paths: ['a.b'] } });
    env.hub().addRepo('anonauthor/django_multi_task', { 'data/test-00000-of-00001.jsonl': `${row(0)}\n${row(1)}\n${row(2)}\n` });
    expect(await run('pull', 'django')).toBe(0);
    const sha = /sha256 ([0-9a-f]{64}) \(unpinned: recorded at first download/.exec(stdout())![1]!;
    expect(await run('list')).toBe(0);
    expect(stdout()).toMatch(new RegExp(`django\\s+cached [0-9a-f]{12}\\s+0\\.0 MB\\s+3\\s+recorded ${sha.slice(0, 12)}\\s+unknown\\s`));
  });

  it.skipIf(!haveShared)('pull downloads and checks; list and path then show the cached copy; quiet on a pipe', async () => {
    expect(await run('pull', 'cruxeval')).toBe(0);
    expect(stdout()).toMatch(/^cruxeval {2}[0-9a-f]{40} {2}sha256 b0b63fa36c20[0-9a-f]+ {2}800 rows {2}\S+test\.jsonl\n$/);
    expect(stderr()).toBe('');
    expect(await run('list')).toBe(0);
    expect(stdout()).toMatch(/cruxeval\s+cached [0-9a-f]{12}\s+0\.2 MB\s+800\s+pinned\s+MIT/);
    expect(await run('path', 'cruxeval')).toBe(0);
    expect(stdout().trim()).toMatch(/datasets--cruxeval-org--cruxeval\/snapshots\/[0-9a-f]{40}\/test\.jsonl$/);
  });

  it('offline: a missing data set is a one-line error naming data pull and HF_ENDPOINT', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    expect(await run('pull', 'bigcodebench@v0.1.0_hf')).toBe(2);
    expect(stderr()).toMatch(/^codeconv-data: bigcodebench@v0\.1\.0_hf is not in the cache and HF_HUB_OFFLINE is set: run `codeconv-data pull bigcodebench@v0\.1\.0_hf`.*HF_ENDPOINT[^\n]*\n$/);
    expect(await run('path', 'cruxeval')).toBe(2);
    expect(await run('pull')).toBe(2);
    expect(stderr()).toMatch(/name the data sets to pull .*or give --all/);
    expect(await run('pull', 'bigcodebench@v9')).toBe(2);
    expect(stderr()).toMatch(/unknown bigcodebench version v9/);
  });
});
