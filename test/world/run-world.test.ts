import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { createModel } from '../../src/models/factory.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { loadTasks } from '../../src/tasks/bigcodebench.js';
import { importHeader } from '../../src/feedback/extract.js';
import { runWorld, type WorldReporter } from '../../src/world/run-world.js';
import { dockerReady } from '../helpers/docker.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const ready = dockerReady();
const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');

function config(over: Record<string, unknown>): WorldConfig {
  return resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'test', values: { dataset: SAMPLE, ...over } },
  ]);
}

describe('run-world config', () => {
  it('names the key and the reason of an invalid value', () => {
    expect(() => config({ maxTurns: 'ten' })).toThrow(/key "maxTurns": Expected number/);
    expect(() => config({ sandbox: { kind: 'vm' } })).toThrow(/key "sandbox.kind"/);
    expect(() => config({ surprise: 1 })).toThrow(/Unrecognized key/);
  });
  it('defaults to the convcodeworld protocol; a file still using compat or turn0Prompt gets one line saying to use protocol', () => {
    expect(config({}).protocol).toBe('convcodeworld');
    expect(config({ protocol: 'clean' }).protocol).toBe('clean');
    expect(() => config({ compat: 'convcodeworld' })).toThrow(/^test: key "compat" was replaced by "protocol" \(protocol: convcodeworld, .* or protocol: clean\)$/);
    expect(() => config({ turn0Prompt: 'plain' })).toThrow(/^test: key "turn0Prompt" was replaced by "protocol"/);
  });
  it('picks an offline user for an offline coder and the pinned gpt-4o snapshot otherwise', () => {
    expect(config({}).userModel).toBe('offline');
    expect(config({ model: 'openai:gpt-4o-mini' }).userModel).toBe('openai:gpt-4o-2024-05-13');
  });
});

describe.skipIf(!ready.ok)(`run-world on the sample tasks${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const sb = new DockerSandbox({ parallel: 2 });
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'world-test-'));
    await sb.start();
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, over: Record<string, unknown>, reporter?: WorldReporter) =>
    runWorld(config({ out: join(dir, name), cacheDir: join(dir, 'cache'), ...over }), { sandbox: sb, ...(reporter ? { reporter } : {}) });

  it('writes episodes and a synthetic summary with the required fields, and reports them as they come', async () => {
    const seen: string[] = [];
    let turns = 0;
    let reported: unknown;
    const r = await run('basic', { setting: 'CF_EF_FULL_SNF', model: 'offline:0.3' }, {
      onRunStart: (e) => seen.push(`start ${e.phase} ${e.total} ${e.resumed}`),
      onTurn: () => { turns++; },
      onItemEnd: (e) => seen.push(`item ${e.done}/${e.total} ${e.record.task_id}`),
      onRunEnd: (e) => { seen.push(`end ${e.phase}`); reported = e.summary; },
    });
    expect(seen[0]).toBe('start run-world 8 0');
    expect(seen.slice(1, 9).map((x) => x.split(' ')[1])).toEqual(['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
    expect(seen.slice(9)).toEqual(['end run-world']);
    expect(reported).toEqual(r.summary);
    const s = r.summary;
    for (const k of ['mrr', 'recall', 'pass_at_1_by_turn', 'n_tasks', 'n_errors', 'setting', 'model', 'usage']) expect(s).toHaveProperty(k);
    expect(s.synthetic).toBe(true);
    expect(s.n_tasks).toBe(8);
    expect(s.pass_at_1_by_turn).toHaveLength(11);
    expect(s.usage.coder.calls).toBeGreaterThan(0);
    const eps = readFileSync(join(r.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(eps).toHaveLength(8);
    expect(turns).toBe(eps.reduce((n, e) => n + e.turns.length, 0));
    for (const e of eps) {
      expect(e.turns[0]).toHaveProperty('code');
      expect(['pass', 'fail', 'timeout']).toContain(e.turns[0].status);
    }
    // A weak synthetic model does not solve everything at turn 0.
    expect(s.pass_at_1_by_turn[0]).toBeLessThan(1);
  });

  it('richer feedback gives higher recall for the offline model', async () => {
    const recall: Record<string, number> = {};
    for (const setting of ['CF', 'CF_EF_FULL', 'CF_SEF']) {
      recall[setting] = (await run(`order-${setting}`, { setting, model: 'offline:0.2', seed: 3 })).summary.recall;
    }
    expect(recall.CF_EF_FULL).toBeGreaterThan(recall.CF!);
    expect(recall.CF_SEF).toBeGreaterThanOrEqual(recall.CF_EF_FULL!);
  });

  it('offline models follow the protocol: under CF a turn whose code compiles makes no call, so compiling code stays flat (with the header prepended)', async () => {
    const r = await run('order-CF', { setting: 'CF', model: 'offline:0.2', seed: 3 });
    const headers = new Map(loadTasks(SAMPLE).map((t) => [t.task_id, importHeader(t.code_prompt, t.entry_point)]));
    const eps = readFileSync(join(r.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    let quiet = 0;
    for (const e of eps) {
      for (const t of e.turns.slice(1)) {
        const prev = e.turns[t.turn - 1];
        if (t.copied) continue;
        if (prev.compilation.ok) {
          expect(t.steps).toEqual([]);
          expect(t.code).toBe(headers.get(e.task_id) + prev.code);
          quiet++;
        } else expect(t.steps[0]).toBe('compile-fix');
      }
    }
    expect(quiet).toBeGreaterThan(0);
    expect(r.summary.usage.coder.calls).toBe(eps.reduce((n, e) => n + e.turns.reduce((m: number, t: { steps?: string[] }) => m + (t.steps?.length ?? 0), 0), 0));
  });

  it('default (convcodeworld): turn 0 the BigCodeBench way (its prompt, 1280 tokens, sanitized in the sandbox), judged calibrated', async () => {
    const r = await run('default-turn0', { setting: 'CF_EF_FULL', model: 'offline:0.5', limit: 3, maxTurns: 1 });
    expect(r.summary.protocol).toBe('convcodeworld');
    expect(r.summary.comparability).toMatchObject({ protocol: 'convcodeworld', turn0_prompt: 'bigcodebench-chat', timeout_s: 121, max_turns: 1, simulator: null });
    const eps = readFileSync(join(r.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const e of eps) {
      const t0 = e.turns[0];
      expect(t0.raw).toMatch(/^Here is an implementation/);
      // The sanitizer kept the code the entry point needs and dropped the prose.
      expect(t0.code).toMatch(/^import |^from |^def /m);
      expect(t0.code).not.toContain('Here is');
      expect(t0.code).toContain('def task_func');
    }
  });

  it('resumes after an interruption with the same summary, and a new directory makes no calls', async () => {
    const full = await run('full', { setting: 'CF_EF_UNIT_SEF', model: 'offline:0.4', seed: 7 });
    const file = join(full.runDir, 'episodes.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // Simulate a kill: keep three episodes and half of the fourth.
    const cutDir = join(dir, 'cut');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(cutDir, { recursive: true });
    copyFileSync(join(full.runDir, 'config.yaml'), join(cutDir, 'config.yaml'));
    writeFileSync(join(cutDir, 'episodes.jsonl'), lines.slice(0, 3).join('\n') + '\n' + lines[3]!.slice(0, 40));
    const resumed = await runWorld(config({ out: cutDir, cacheDir: join(dir, 'cache'), setting: 'CF_EF_UNIT_SEF', model: 'offline:0.4', seed: 7 }), { sandbox: sb });
    expect(resumed.stats.resumed).toBe(3);
    expect(resumed.summary).toEqual(full.summary);
    const eps = readFileSync(join(cutDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(eps.map((e) => e.task_id)).size).toBe(8);
    // Identical settings in a new directory: everything comes from the caches.
    const again = await run('again', { setting: 'CF_EF_UNIT_SEF', model: 'offline:0.4', seed: 7 });
    expect(again.stats.modelCalls).toEqual({ coder: 0, user: 0 });
    expect(again.stats.judged).toBe(0);
    expect(again.summary).toEqual(full.summary);
  });

  it('refuses to resume a directory that holds a different run', async () => {
    await expect(run('basic', { setting: 'CF', model: 'offline:0.3' })).rejects.toThrow(/different "setting"/);
  });

  describe('over HTTP (OpenAI-compatible server on 127.0.0.1)', () => {
    let mock: MockOpenAIServer;
    const tasks = loadTasks(SAMPLE);
    beforeAll(async () => { mock = await MockOpenAIServer.start(); });
    afterAll(() => mock.close());

    /** Answers with the reference for Sample/0, prose without code for Sample/1, echo otherwise. */
    const answer = (texts: string[]): string => {
      const text = texts.join('\n');
      const t0 = tasks[0]!;
      if (text.includes(t0.instruct_prompt.slice(0, 60))) return '```python\n' + t0.code_prompt + t0.canonical_solution + '```';
      return 'Sorry, I cannot help with that.';
    };

    it('runs episodes through LangChain, records a no-code answer, and an endpoint that keeps failing as an episode error', async () => {
      mock.reset();
      mock.answer = answer;
      const coder = (url: string) => createModel(`compat:mock-coder@${url}`, { maxRetries: 1, timeoutMs: 5000 }, { cache: false, openai: { backoffBaseMs: 5, backoffMaxMs: 10 } });
      const c = config({ out: join(dir, 'http'), cacheDir: join(dir, 'cache-http'), setting: 'CF', maxTurns: 1, ids: ['Sample/0', 'Sample/1'], cache: false });
      const r = await runWorld(c, { sandbox: sb, coder: coder(mock.baseURL) });
      expect(r.summary.n_errors).toBe(0);
      const eps = readFileSync(join(r.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const byId = Object.fromEntries(eps.map((e) => [e.task_id, e]));
      expect(byId['Sample/0'].solved_at).toBe(0);
      // Default protocol: BigCodeBench's sanitizer finds no code in the prose.
      expect(byId['Sample/1'].turns[0]).toMatchObject({ code: '', extractError: 'EMPTY_CODE', status: 'fail' });
      expect(r.summary.usage.coder.input_tokens).toBeGreaterThan(0);
      // Clean protocol: the refinement extraction keeps the prose, which does not compile.
      const clean = await runWorld({ ...c, out: join(dir, 'http-clean'), protocol: 'clean' }, { sandbox: sb, coder: coder(mock.baseURL) });
      const cleanEps = readFileSync(join(clean.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const s1 = cleanEps.find((e) => e.task_id === 'Sample/1');
      expect(s1.turns[0].fenced).toBe(false);
      expect(s1.turns[0].status).toBe('fail');
      expect(s1.turns[0].compilation.ok).toBe(false);

      mock.reset();
      mock.fallback = '500';
      const c2 = config({ out: join(dir, 'http-err'), cacheDir: join(dir, 'cache-http'), setting: 'CF', maxTurns: 1, ids: ['Sample/0', 'Sample/2'], cache: false });
      const bad = await runWorld(c2, { sandbox: sb, coder: coder(mock.baseURL) });
      expect(bad.summary.n_errors).toBe(2);
      const errs = readFileSync(join(bad.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(errs[0].error).toMatch(/500|server/i);
      // The endpoint recovers: a rerun retries the errored episodes and keeps nothing twice.
      mock.reset();
      mock.answer = answer;
      const fixed = await runWorld(c2, { sandbox: sb, coder: coder(mock.baseURL) });
      expect(fixed.summary.n_errors).toBe(0);
      expect(fixed.summary.n_tasks).toBe(2);
    });
  });
});
