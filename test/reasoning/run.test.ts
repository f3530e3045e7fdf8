/** runReasoning with the offline model, and the run-reasoning CLI, end to end through the local sandbox. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/run-reasoning.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../../src/models/types.js';
import { loadTask } from '../../src/reasoning/data.js';
import { OfflineReasoningModel, type ReasoningData } from '../../src/reasoning/offline.js';
import { runReasoning } from '../../src/reasoning/run.js';
import { cliRunner } from '../helpers/cli.js';
import { closeSandbox, dataDir, localSandbox, missing, noteSkip } from './helpers.js';

const skip = missing('data/cruxeval/cruxeval.jsonl', 'data/codeglance/PanNumEval_reasoning.jsonl', 'data/codeglance/PanNumEval_RAG.json', 'data/case2code/test.jsonl');
noteSkip(skip);

const tmp = (): string => mkdtempSync(join(tmpdir(), 'reasoning-run-'));
const readJson = (f: string): Record<string, unknown> => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

class CountingModel implements ChatModel {
  calls = 0;
  constructor(readonly inner: ChatModel) {}
  get id(): string { return this.inner.id; }
  get synthetic(): boolean { return this.inner.synthetic; }
  generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    this.calls++;
    return this.inner.generate(messages, opts);
  }
}

/** The offline reasoner, built with the run's items as runReasoning hands them over. */
const offline = (strength: number, seed = 0) => (d: ReasoningData): ChatModel => new OfflineReasoningModel(strength, seed, d);
/** runReasoning with the offline reasoner of `strength` (seed 0) on the shared local sandbox. */
const runOffline = (strength: number, opts: Parameters<typeof runReasoning>[0]) => runReasoning(opts, { model: offline(strength), sandbox: localSandbox() });
const counted = (strength: number, seed: number) => {
  const box: { model?: CountingModel; calls: () => number } = { calls: () => box.model?.calls ?? 0 };
  return { box, build: (d: ReasoningData): ChatModel => (box.model = new CountingModel(new OfflineReasoningModel(strength, seed, d))) };
};

afterAll(async () => {
  await closeSandbox();
});

describe.skipIf(!!skip)('runReasoning with the offline model', () => {
  it('writes generations, scored and summary files marked synthetic, and resumes', async () => {
    const out = tmp();
    const first = counted(0.6, 7);
    const opts = { task: 'cruxeval-o', dataDir, n: 3, temperature: 0.8, limit: 30, out };
    const r = await runReasoning(opts, { model: first.build, sandbox: localSandbox() });
    expect(first.box.calls()).toBe(90);
    const gens = readJson(join(out, 'generations.json'));
    expect(gens.synthetic).toBe(true);
    expect(Object.keys(gens).filter((k) => k !== 'synthetic')).toHaveLength(30);
    expect((gens.sample_0 as string[])[0]).toMatch(/^assert f\(/); // raw model text
    const scored = readJson(join(out, 'scored.json'));
    expect(scored.synthetic).toBe(true);
    expect(Object.keys(scored)).toEqual(expect.arrayContaining(['raw_generations', 'raw_scored_generations', 'pass_at_1']));
    expect(scored.pass_at_5).toBeUndefined(); // n = 3 < 5
    expect((scored.raw_generations as Record<string, string[]>).sample_0![0]).not.toMatch(/assert/); // post-processed
    const summary = readJson(join(out, 'summary.json'));
    expect(summary).toMatchObject({ task: 'cruxeval-o', model: 'offline:0.6', synthetic: true, n: 3, temperature: 0.8, cot: false, rag: false, scorer: 'v2' });
    expect((summary.usage as { calls: number }).calls).toBe(90);
    expect(r.summary.pass_at_k.pass_at_1).toBeGreaterThan(25);
    expect(r.summary.pass_at_k.pass_at_1).toBeLessThan(95);
    for (const line of readFileSync(join(out, 'calls.jsonl'), 'utf8').trim().split('\n')) expect(JSON.parse(line).synthetic).toBe(true);

    // Same options and --out: every call is reused, the result is identical.
    const again = counted(0.6, 7);
    const r2 = await runReasoning(opts, { model: again.build, sandbox: localSandbox() });
    expect(again.box.calls()).toBe(0);
    expect(r2.summary.counts.resumed_calls).toBe(90);
    expect(r2.score.scored).toEqual(r.score.scored);
  }, 120_000);

  it('builds its model from options.model with createModel, as every command does', async () => {
    const r = await runReasoning({ task: 'cruxeval-o', dataDir, n: 1, limit: 4, model: 'offline:1', out: tmp() }, { sandbox: localSandbox() });
    expect(r.summary.model).toBe('offline:1');
    expect(r.summary.pass_at_k.pass_at_1).toBe(100);
    await expect(runReasoning({ task: 'cruxeval-o', dataDir, n: 1, limit: 1, out: tmp() }, { sandbox: localSandbox() })).rejects.toThrow(/needs a model/);
  }, 120_000);

  it('the usage block carries the cost of a priced model, as every command\'s does', async () => {
    const priced = (d: ReasoningData): ChatModel => {
      const inner = new OfflineReasoningModel(1, 0, d);
      return { id: 'openai:gpt-4o', synthetic: true, generate: async (m: ChatMessage[], o: GenerateOptions) => ({ ...(await inner.generate(m, o)), usage: { inputTokens: 1000, outputTokens: 10 } }) };
    };
    const r = await runReasoning({ task: 'cruxeval-o', dataDir, n: 1, limit: 3, out: tmp() }, { model: priced, sandbox: localSandbox(), prices: { 'gpt-4o': { input: 2, output: 10 } } });
    expect(r.summary.usage).toEqual({ calls: 3, input_tokens: 3000, output_tokens: 30, cached_calls: 0, estimated_calls: 0, cost_usd: (3000 * 2 + 30 * 10) / 1e6 });
  }, 120_000);

  it('strength 1 answers every CRUXEval-I item correctly with CoT (post-processing and scoring agree)', async () => {
    const r = await runOffline(1, { task: 'cruxeval-i', dataDir, n: 2, cot: true, limit: 40, out: tmp() });
    expect(r.summary.pass_at_k.pass_at_1).toBe(100);
    expect(r.summary.cot).toBe(true);
    expect(r.summary.max_tokens).toBe(1000);
  }, 120_000);

  it('CodeGlance with RAG: pass@1,3,5,10 and accuracy by code-feature bucket', async () => {
    const r = await runOffline(0.5, { task: 'codeglance-pannum', dataDir, n: 4, rag: true, temperature: 0.8, out: tmp() });
    expect(Object.keys(r.summary.pass_at_k)).toEqual(['pass_at_1', 'pass_at_3']);
    expect(Object.keys(r.summary.pass_at_k_skipped ?? {})).toEqual(['pass_at_5', 'pass_at_10']); // n = 4 < k
    const byFeature = r.summary.by_feature!;
    expect(Object.keys(byFeature)).toEqual(expect.arrayContaining(['complexity', 'api_count', 'code_lines']));
    expect(byFeature.complexity!.reduce((s, b) => s + b.samples, 0)).toBe(50);
    const perfect = await runOffline(1, { task: 'codeglance-pannum', dataDir, n: 1, out: tmp() });
    expect(perfect.summary.pass_at_k.pass_at_1).toBe(100);
  }, 120_000);

  it('Case2Code: strength 1 writes the reference function; weaker answers fail', async () => {
    const ids = loadTask('case2code', { dataDir }).items.slice(0, 12).map((i) => i.id);
    const good = await runOffline(1, { task: 'case2code', dataDir, n: 1, ids, out: tmp() });
    expect(good.summary.pass_at_k.pass_at_1).toBe(100);
    expect(good.summary.case2code_status).toEqual({ correct: 12 });
    expect(Object.keys(good.summary.pass_at_k)).toEqual(['pass_at_1']); // n = 1: no pass@5
    expect(good.summary.pass_at_k_skipped?.pass_at_5).toMatch(/needs at least 5/);
    const bad = await runOffline(0, { task: 'case2code', dataDir, n: 1, ids, out: tmp() });
    expect(bad.summary.pass_at_k.pass_at_1).toBeLessThan(50);
  }, 120_000);

  it('rejects ids that are not in the task', async () => {
    await expect(runOffline(1, { task: 'cruxeval-o', dataDir, ids: ['sample_0', 'sample_9999'], out: tmp() }))
      .rejects.toThrow(/ids not in task cruxeval-o: sample_9999/);
  });
});

describe.skipIf(!!skip)('run-reasoning CLI', () => {
  const { run, stdout, stderr } = cliRunner(main);
  const local = ['--sandbox', 'local', '--parallel', '2', '--data-dir', dataDir];

  it('score: a generations file and a scored file give the same result', async () => {
    const dir = tmp();
    const gens = { sample_0: ['[(4, 1), (4, 1), (4, 1), (4, 1), (2, 3), (2, 3)]', '[]'], sample_1: ['{1: None, 2: None}'] };
    writeFileSync(join(dir, 'g.json'), JSON.stringify(gens));
    expect(await run('score', '--task', 'cruxeval-o', '--generations', join(dir, 'g.json'), ...local, '--out', join(dir, 'a'))).toBe(0);
    const a = readJson(join(dir, 'a', 'scored.json'));
    expect(a.raw_scored_generations).toEqual({ sample_0: [true, false], sample_1: [true] });
    expect(a.pass_at_1).toBeCloseTo(75, 9);
    expect(a.synthetic).toBeUndefined();
    expect(stdout()).toContain('pass_at_1 75.00');
    expect(await run('score', '--task', 'cruxeval-o', '--generations', join(dir, 'a', 'scored.json'), '--scorer', 'v1', ...local, '--out', join(dir, 'b'))).toBe(0);
    expect(readJson(join(dir, 'b', 'scored.json')).raw_scored_generations).toEqual(a.raw_scored_generations);
    expect(readJson(join(dir, 'b', 'summary.json')).scorer).toBe('v1');
  }, 60_000);

  it('score --raw applies the post-processing to raw model text', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'g.json'), JSON.stringify({ sample_0: ['[THOUGHT]\n...\n[/THOUGHT]\n[ANSWER]\nassert f([1, 1, 3, 1, 3, 1]) == [(4, 1), (4, 1), (4, 1), (4, 1), (2, 3), (2, 3)]\n[/ANSWER]'] }));
    expect(await run('score', '--task', 'cruxeval-o', '--generations', join(dir, 'g.json'), '--raw', '--cot', ...local, '--out', dir)).toBe(0);
    expect(readJson(join(dir, 'scored.json')).raw_scored_generations).toEqual({ sample_0: [true] });
  }, 60_000);

  it('bad input is one line on stderr with exit code 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ids.json'), JSON.stringify({ sample_0: ['1'], sample_800: ['2'], foo: ['3'] }));
    writeFileSync(join(dir, 'list.json'), JSON.stringify({ sample_0: '1' }));
    const cases: [string[], RegExp][] = [
      [['score', '--task', 'cruxeval-o', '--generations', join(dir, 'ids.json'), ...local, '--out', dir], /ids not in task cruxeval-o: sample_800, foo/],
      [['score', '--task', 'cruxeval-o', '--generations', join(dir, 'list.json'), ...local, '--out', dir], /entry sample_0 is not a list/],
      [['score', '--task', 'cruxeval', '--generations', join(dir, 'list.json'), ...local, '--out', dir], /unknown reasoning task "cruxeval" \(valid: cruxeval-o, cruxeval-i, .*case2code\)/],
      [['score', '--task', 'cruxeval-o', '--generations', join(dir, 'missing.json'), ...local, '--out', dir], /missing\.json: no such file/],
      [['--task', 'codeglance-ds1000', '--model', 'offline', '--rag', ...local, '--out', dir], /has no API documentation for --rag/],
      [['--task', 'cruxeval-o', '--model', 'nope:x', ...local, '--out', dir], /unknown provider/],
    ];
    for (const [argv, re] of cases) {
      expect(await run(...argv), argv.join(' ')).toBe(2);
      const text = stderr();
      expect(text).toMatch(re);
      expect(text.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);

  it('generates with the offline model', async () => {
    const dir = tmp();
    expect(await run('--task', 'cruxeval-o', '--model', 'offline:1', '--n', '2', '--limit', '5', ...local, '--out', dir)).toBe(0);
    expect(stdout()).toContain('(synthetic model)');
    expect(readJson(join(dir, 'summary.json'))).toMatchObject({ synthetic: true, model: 'offline:1', pass_at_k: { pass_at_1: 100 } });
    expect(existsSync(join(dir, 'generations.json'))).toBe(true);
  }, 60_000);
});
