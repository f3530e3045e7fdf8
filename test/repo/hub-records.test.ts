import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clearPreparedMemo } from '../../src/data/index.js';
import { TO_FILE_END } from '../../src/repo/candidate.js';
import { resolveRunConfig } from '../../src/repo/config.js';
import { bugOf, treeNote } from '../../src/repo/hub-records.js';
import type { RepoTask } from '../../src/repo/record.js';
import { runRepo } from '../../src/repo/run.js';
import type { RepoJob, RepoJudgment, RepoSandbox } from '../../src/repo/sandbox.js';
import { loadRepoTaskSet } from '../../src/repo/tasks.js';
import { useHubDouble } from '../helpers/hub-env.js';
import { toyTask } from './fixture.js';

const env = useHubDouble('codeconv-repo-hub-');
const REPO = 'anonauthor/django_multi_task';

/** A task as the published data set lays it out: the spec's fields, none of the builder's own (bug, mutants). */
function hubRecord(i: number, over: Partial<RepoTask> = {}): Record<string, unknown> {
  const { bug: _b, mutants: _m, ...rest } = toyTask({ idx: i, dp_id: `django/utils/toy.py::Slugger.slug#${i}`, ...over });
  return rest;
}

const COLUMNS = Object.keys(hubRecord(0));
/** Parquet with struct columns for `method` and `tests`, as the Hub's conversion writes them. */
const parquet = (rows: Record<string, unknown>[]): Buffer => Buffer.from(parquetWriteBuffer({ columnData: COLUMNS.map((name) => ({ name, data: rows.map((r) => r[name]) })) }));
const jsonl = (rows: Record<string, unknown>[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The toy tests pass when the method keeps `if not words` and joins the lowercased words. */
function fakeSandbox(jobs: RepoJob[], tree: { version?: string; missing: string[] } = { version: '3.2.25-0+deb12u1', missing: [] }): RepoSandbox {
  const judge = async (job: RepoJob): Promise<RepoJudgment> => {
    jobs.push(job);
    const t = job.replace?.text ?? '';
    const ok = t.includes('if not words') && t.includes('self.sep.join(words)');
    return { output: ok ? 'Ran 1 test in 0.01s\n\nOK\n' : 'Ran 1 test in 0.01s\n\nFAILED (failures=1)\n', returncode: ok ? 0 : 1, timedOut: false, durationMs: 1, wallMs: 1 };
  };
  return { image: 'fake', environmentId: () => 'fake:repo', preflight: async () => {}, treeInfo: async () => tree, judge } as unknown as RepoSandbox;
}

const config = (over: Record<string, unknown>) => resolveRunConfig(undefined, {
  tasks: 'django', cache: false, cache_dir: join(env.tmp(), 'cache'), benchmark: 'method_gen_multiturn', model: 'offline:1', out: join(env.tmp(), 'run'), ...over,
});

describe('run-repo --tasks django (the published records through the Hub double)', () => {
  it('pulls the parquet split, converts and validates the records, judges each on its own file, and records the data set in config.yaml', async () => {
    env.hub().addRepo(REPO, { 'README.md': '# django tasks\n', 'data/test-00000-of-00001.parquet': parquet([0, 1, 2].map((i) => hubRecord(i))) });
    const jobs: RepoJob[] = [];
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {}, debug: () => {} };
    const r = await runRepo(config({}), { sandbox: fakeSandbox(jobs), logger });
    expect(r.summary.num_datapoints).toBe(3);
    expect(r.summary.pass_rates).toMatchObject({ 'pass_rate@1': 100 });
    expect(env.hub().requests.some((q) => q.startsWith(`GET /api/datasets/${REPO}/tree/`))).toBe(true);
    // The record's own file, the candidate over the method's lines, replaces whatever the tree holds at file_path.
    const job = jobs[0]!;
    expect(job.replace).toMatchObject({ file: 'django/utils/toy.py', start: 1, end: TO_FILE_END });
    expect(job.replace!.text.split('\n').slice(0, 4)).toEqual(['import re', '', '', 'class Slugger:']);
    expect(job.replace!.text).toContain('    def other(self):');
    const cfg = parseYaml(readFileSync(join(env.tmp(), 'run', 'config.yaml'), 'utf8')) as { tasks: string; dataset: Record<string, unknown> };
    expect(cfg.tasks).toBe('django');
    expect(cfg.dataset).toMatchObject({ name: 'django', revision: expect.stringMatching(/^[0-9a-f]{40}$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), made_on: 'django@89807fbde8b7', tree: '3.2.25-0+deb12u1' });
    expect(cfg.dataset.note).toMatch(/made on django@89807fbde8b7, this image's tree is Django 3\.2\.25-0\+deb12u1/);
    expect(warnings).toEqual([cfg.dataset.note]);
    const set = await loadRepoTaskSet('django', { cacheDir: join(env.tmp(), 'cache') });
    expect(set.dataset).toEqual({ name: 'django', revision: cfg.dataset.revision, sha256: cfg.dataset.sha256 });
    // The repair variant's one changed line becomes the task's bug (the offline model's repair lookup needs it).
    expect(set.tasks[0]!.bug).toMatchObject({ line: 14, new_line: '        if words:' });
  });

  it('a later download whose records differ is refused (django has no pin: the hash recorded at its first download holds)', async () => {
    env.hub().addRepo(REPO, { 'data/test-00000-of-00001.parquet': parquet([0, 1].map((i) => hubRecord(i))) });
    await runRepo(config({}), { sandbox: fakeSandbox([]) });
    clearPreparedMemo();
    env.hub().addRepo(REPO, { 'data/test-00000-of-00001.parquet': parquet([0, 1].map((i) => hubRecord(i, { class_doc: 'Other.' }))) });
    await expect(runRepo(config({}), { sandbox: fakeSandbox([]) })).rejects.toThrow(/django: records hash [0-9a-f]{64} \(commit [0-9a-f]{12}\) differ from [0-9a-f]{64} recorded at its first download/);
  });

  it('refuses a record that lacks tests.full_paths, naming the file, row and field', async () => {
    const rows = [0, 1, 2].map((i) => hubRecord(i));
    delete (rows[1]!.tests as Record<string, unknown>).full_paths;
    env.hub().addRepo(REPO, { 'data/test-00000-of-00001.jsonl': jsonl(rows) });
    await expect(runRepo(config({}), { sandbox: fakeSandbox([]) })).rejects.toThrow(/^django \(data\/test-00000-of-00001\.jsonl\) row 2: field "tests\.full_paths" Required$/);
  });

  it('reads every shard of the split in order, and names the shard of a bad row', async () => {
    const rows = [0, 1, 2, 3].map((i) => hubRecord(i));
    rows[3]!.method = { ...(rows[3]!.method as object), global_method_body_index: [9, 400] };
    env.hub().addRepo(REPO, { 'data/test-00000-of-00002.parquet': parquet(rows.slice(0, 2)), 'data/test-00001-of-00002.parquet': parquet(rows.slice(2)) });
    await expect(loadRepoTaskSet('django', { cacheDir: join(env.tmp(), 'cache') })).rejects.toThrow(/^django \(data\/test-00001-of-00002\.parquet\) row 2: field "method\.global_method_body_index" lies past the end of raw_file_content \(20 lines\)$/);
    clearPreparedMemo();
    env.hub().addRepo(REPO, { 'data/test-00000-of-00002.parquet': parquet(rows.slice(0, 2)), 'data/test-00001-of-00002.parquet': parquet(rows.slice(2, 3)) });
    const set = await loadRepoTaskSet('django', { cacheDir: join(env.tmp(), 'cache2') });
    expect(set.tasks.map((t) => t.idx)).toEqual([0, 1, 2]);
  });

  it('offline with a cache: the run reads the cached records without asking the Hub', async () => {
    env.hub().addRepo(REPO, { 'data/test-00000-of-00001.parquet': parquet([0, 1].map((i) => hubRecord(i))) });
    const first = await runRepo(config({ out: join(env.tmp(), 'a') }), { sandbox: fakeSandbox([]) });
    clearPreparedMemo();
    process.env.HF_HUB_OFFLINE = '1';
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9';
    env.hub().requests.length = 0;
    const second = await runRepo(config({ out: join(env.tmp(), 'b') }), { sandbox: fakeSandbox([]) });
    expect(env.hub().requests).toEqual([]);
    expect(second.summary.num_datapoints).toBe(first.summary.num_datapoints);
    const id = (d: string) => (parseYaml(readFileSync(join(env.tmp(), d, 'config.yaml'), 'utf8')) as { dataset: { sha256: string; revision: string } }).dataset;
    expect(id('b')).toMatchObject({ sha256: id('a').sha256, revision: id('a').revision });
  });

  it('a tree that lacks some records\' files is named in the note', async () => {
    env.hub().addRepo(REPO, { 'data/test-00000-of-00001.parquet': parquet([hubRecord(0), hubRecord(1, { file_path: 'django/utils/new_in_5.py' })]) });
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {}, debug: () => {} };
    await runRepo(config({ limit: 2 }), { sandbox: fakeSandbox([], { missing: ['django/utils/new_in_5.py'] }), logger });
    expect(warnings[0]).toMatch(/a Django the image does not name .*1 of their 2 files are not in this tree \(their items end CRUSHED\)$/);
  });
});

describe('hub-records helpers', () => {
  it('a bug is the one changed line; two changed lines or another line count give none', () => {
    expect(bugOf('a\nif x == 1:\nb', 'a\nif x != 1:\nb')).toEqual({ line: 2, col: 5, from: '=', to: '!', new_line: 'if x != 1:' });
    expect(bugOf('a\nb\nc', 'a\nB\nC')).toBeUndefined();
    expect(bugOf('a\nb', 'a\nb\nc')).toBeUndefined();
    expect(bugOf('a\nb', 'a\nb')).toBeUndefined();
  });

  it('no note on the records\' own Django with every file present', () => {
    expect(treeNote({ version: '89807fbde8b7', missing: [] }, 3)).toBeUndefined();
    expect(treeNote({ version: '89807fbde8b7', missing: ['x.py'] }, 3)).toMatch(/1 of their 3 files are not in this tree/);
  });
});
