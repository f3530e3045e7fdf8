import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearPreparedMemo, prepareDataset } from '../../src/data/index.js';
import { hubEnv } from '../../src/data/env.js';
import { fileMetadata, hubFiles, repoFolder } from '../../src/data/hub.js';
import { readRows, recordsSha256 } from '../../src/data/records.js';
import { SHARED_DATA, startHubDouble, type HubDouble } from '../helpers/hub-double.js';

const run = promisify(execFile);
const haveShared = existsSync(join(SHARED_DATA, 'cruxeval', 'cruxeval.jsonl'));
if (!haveShared) console.warn('[data tests] the BigCodeBench/CRUXEval cases are skipped: no reference copies beside the project');

let hub: HubDouble;
let tmp: string;
let env: Record<string, string>;

beforeAll(async () => {
  hub = await startHubDouble({ shared: haveShared, pageSize: 2 });
  const files: Record<string, string> = { 'README.md': '# django tasks\n' };
  for (const split of ['test', 'train', 'validation']) files[`data/${split}-00000-of-00001.jsonl`] = `{"idx": 0, "dp_id": "${split}-0", "tests": ["a.b"]}\n{"idx": 1, "dp_id": "${split}-1", "tests": []}\n`;
  hub.addRepo('anonauthor/django_multi_task', files, { lfs: (p) => p.endsWith('.jsonl') });
  hub.addRepo('org/gated', { 'data.jsonl': '{"a": 1}\n' }, { gated: true });
});
afterAll(() => hub.close());
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'codeconv-hub-'));
  env = { ...hub.env(join(tmp, 'hub'), join(tmp, 'cache')), HOME: tmp };
  hub.requests.length = 0;
  hub.faults.dropMidFile = 0;
  clearPreparedMemo();
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Files left in a repository's blobs folder. */
const blobsOf = (repo: string): string[] => {
  const d = join(repoFolder(join(tmp, 'hub'), repo), 'blobs');
  return existsSync(d) ? readdirSync(d) : [];
};

describe('the Hub protocol', () => {
  it('lists a tree page by page through the Link header and fetches the matching file', async () => {
    const ref = await prepareDataset('django', { env });
    expect(hub.requests.filter((r) => r.includes('/tree/')).length).toBeGreaterThanOrEqual(3);
    expect(hub.requests.some((r) => r.includes('cursor=2'))).toBe(true);
    expect(Object.keys(ref.files)).toEqual(['data/test-00000-of-00001.jsonl']);
    expect(ref.rows).toBe(2);
    expect(ref.check).toBe('recorded');
  });

  it('follows the redirect of a large file to the second host, names the blob by X-Linked-Etag and writes refs/main', async () => {
    const ref = await prepareDataset('django', { env });
    expect(hub.requests.some((r) => r.startsWith('LFS GET /blobs/'))).toBe(true);
    const folder = repoFolder(join(tmp, 'hub'), 'anonauthor/django_multi_task');
    expect(readFileSync(join(folder, 'refs', 'main'), 'utf8')).toBe(ref.revision);
    const snap = join(folder, 'snapshots', ref.revision!, 'data/test-00000-of-00001.jsonl');
    expect(lstatSync(snap).isSymbolicLink()).toBe(true);
    expect(readlinkSync(snap).startsWith('/')).toBe(false);
    const meta = await fileMetadata(hubEnv(env), 'anonauthor/django_multi_task', 'main', 'data/test-00000-of-00001.jsonl');
    expect(meta.commit).toBe(ref.revision);
    expect(blobsOf('anonauthor/django_multi_task')).toEqual([meta.etag]);
    expect(meta.etag).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the git oid from ETag for a small file served directly', async () => {
    const meta = await fileMetadata(hubEnv(env), 'anonauthor/django_multi_task', 'main', 'README.md');
    expect(meta.etag).toMatch(/^[0-9a-f]{40}$/);
    expect(meta.size).toBe('# django tasks\n'.length);
    const got = await hubFiles(hubEnv(env), { repo: 'anonauthor/django_multi_task', revision: 'main', paths: ['README.md'] });
    expect(readFileSync(got.files.get('README.md')!, 'utf8')).toBe('# django tasks\n');
    expect(blobsOf('anonauthor/django_multi_task')).toEqual([meta.etag]);
  });

  it('says EntryNotFound for a file the revision does not hold', async () => {
    await expect(hubFiles(hubEnv(env), { repo: 'anonauthor/django_multi_task', revision: 'main', paths: ['data/nope.parquet'] })).rejects.toThrow(/no file data\/nope.parquet \(EntryNotFound\)/);
  });

  it('refuses a gated repository without a token (401) and serves it with one', async () => {
    const req = { repo: 'org/gated', revision: 'main', paths: ['data.jsonl'] };
    await expect(hubFiles(hubEnv(env), req)).rejects.toMatchObject({ code: 'HUB_AUTH', message: expect.stringMatching(/401.*HF_TOKEN/) });
    const got = await hubFiles(hubEnv({ ...env, HF_TOKEN: hub.token }), req);
    expect(readFileSync(got.files.get('data.jsonl')!, 'utf8')).toBe('{"a": 1}\n');
  });

  it('reads the token from $HF_HOME/token when HF_TOKEN is unset', async () => {
    mkdirSync(join(tmp, 'hfhome'), { recursive: true });
    writeFileSync(join(tmp, 'hfhome', 'token'), `${hub.token}\n`);
    const got = await hubFiles(hubEnv({ ...env, HF_HOME: join(tmp, 'hfhome') }), { repo: 'org/gated', revision: 'main', paths: ['data.jsonl'] });
    expect(got.files.size).toBe(1);
  });

  it('leaves no partial file when the connection drops mid-file, and the next call completes it', async () => {
    hub.faults.dropMidFile = 1;
    await expect(prepareDataset('django', { env })).rejects.toMatchObject({ code: 'HUB_DOWNLOAD_FAILED' });
    expect(blobsOf('anonauthor/django_multi_task')).toEqual([]);
    const ref = await prepareDataset('django', { env });
    expect(ref.rows).toBe(2);
    expect(blobsOf('anonauthor/django_multi_task').filter((f) => f.endsWith('.incomplete'))).toEqual([]);
  });
});

describe.skipIf(!haveShared)('named data sets through the double', () => {
  it('bigcodebench@v0.1.0_hf: the parquet split decodes to the pinned records', async () => {
    const ref = await prepareDataset('bigcodebench@v0.1.0_hf', { env });
    expect(ref).toMatchObject({ name: 'bigcodebench@v0.1.0_hf', check: 'pinned', rows: 1140 });
    expect(ref.sha256).toBe(recordsSha256(await readRows(join(SHARED_DATA, 'bigcodebench', 'bigcodebench-v0.1.0_hf.jsonl'))));
    expect(ref.records.startsWith(join(tmp, 'cache'))).toBe(true);
  });

  it('bigcodebench-hard is the Hard split (148 tasks) checked against its derived pin', async () => {
    const ref = await prepareDataset('bigcodebench-hard', { env });
    expect(ref).toMatchObject({ name: 'bigcodebench-hard@v0.1.4', check: 'pinned', rows: 148 });
  });

  it('refuses records that hash otherwise, naming both hashes', async () => {
    const good = readFileSync(join(SHARED_DATA, 'cruxeval', 'cruxeval.jsonl'), 'utf8');
    const other = await startHubDouble();
    try {
      other.addRepo('cruxeval-org/cruxeval', { 'test.jsonl': good.replace('"sample_0"', '"sample_x"') });
      const err = await prepareDataset('cruxeval', { env: other.env(join(tmp, 'hub2'), join(tmp, 'cache2')) }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'DATASET_HASH_MISMATCH' });
      expect((err as Error).message).toMatch(/hashes [0-9a-f]{64}, but the name pins b0b63fa36c20/);
    } finally {
      await other.close();
    }
  });

  it('offline: a cached data set is used as it is; a missing one names data pull and HF_ENDPOINT', async () => {
    const online = await prepareDataset('cruxeval', { env });
    clearPreparedMemo();
    const offline = { ...env, HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' };
    hub.requests.length = 0;
    const ref = await prepareDataset('cruxeval', { env: offline });
    expect(ref).toMatchObject({ sha256: online.sha256, revision: online.revision });
    expect(hub.requests).toEqual([]);
    const err = await prepareDataset('bigcodebench@v0.1.4', { env: offline }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/not in the cache and HF_HUB_OFFLINE is set: run `codeconv-data pull bigcodebench@v0.1.4`.*HF_ENDPOINT/);
  });

  it('an unreachable Hub falls back to the cache without HF_HUB_OFFLINE', async () => {
    await prepareDataset('cruxeval', { env });
    clearPreparedMemo();
    const ref = await prepareDataset('cruxeval', { env: { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(ref.rows).toBe(800);
    clearPreparedMemo();
    await expect(prepareDataset('bigcodebench@v0.1.4', { env: { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' } })).rejects.toThrow(/cannot be reached.*data pull/);
  });

  it('reads a cache written in Python\'s layout (blobs, relative snapshot links, refs/main), offline and online', async () => {
    const bytes = readFileSync(join(SHARED_DATA, 'cruxeval', 'cruxeval.jsonl'));
    const commit = JSON.parse((await (await fetch(`${hub.url}/api/datasets/cruxeval-org/cruxeval/revision/main`)).text()) as string).sha as string;
    const folder = repoFolder(join(tmp, 'hub'), 'cruxeval-org/cruxeval');
    const oid = 'f'.repeat(40);
    mkdirSync(join(folder, 'blobs'), { recursive: true });
    mkdirSync(join(folder, 'snapshots', commit), { recursive: true });
    mkdirSync(join(folder, 'refs'), { recursive: true });
    writeFileSync(join(folder, 'blobs', oid), bytes);
    symlinkSync(join('..', '..', 'blobs', oid), join(folder, 'snapshots', commit, 'test.jsonl'));
    writeFileSync(join(folder, 'refs', 'main'), commit);
    const ref = await prepareDataset('cruxeval', { env: { ...env, HF_HUB_OFFLINE: 'true' } });
    expect(ref).toMatchObject({ revision: commit, check: 'pinned', rows: 800 });
    clearPreparedMemo();
    hub.requests.length = 0;
    await prepareDataset('cruxeval', { env });
    expect(hub.requests.some((r) => r.includes('/resolve/'))).toBe(false);
  });

  it('two processes pulling the same file at once both finish with one whole blob', async () => {
    const childEnv = { ...process.env, ...env };
    const child = join(resolve('test', 'data'), 'pull-child.ts');
    const [a, b] = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', child, 'bigcodebench@v0.1.4'], { env: childEnv })));
    const ra = JSON.parse(a!.stdout) as { sha256: string };
    const rb = JSON.parse(b!.stdout) as { sha256: string };
    expect(ra.sha256).toBe('0877e9216fed1730a97bada5f7c7e9b0024a06532c13ee1158e8569a66fe7dc9');
    expect(rb.sha256).toBe(ra.sha256);
    expect(blobsOf('bigcode/bigcodebench')).toHaveLength(1);
    expect(hub.requests.filter((r) => r.startsWith('LFS GET')).length).toBeGreaterThanOrEqual(1);
  });

  it('GitHub-hosted files come from the raw endpoint into our cache (codeglance with its API docs)', async () => {
    const ref = await prepareDataset('codeglance:pannum', { env });
    expect(ref).toMatchObject({ check: 'pinned', rows: 50, revision: 'aa2d7d4' });
    expect(Object.keys(ref.files)).toEqual(['data/PanNumEval_reasoning.jsonl', 'data/PanNumEval_RAG.json']);
    expect(ref.records.startsWith(join(tmp, 'cache', 'github'))).toBe(true);
  });
});
