import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { TrackedModel, UsageTracker, costOf, loadPrices, modelNameOf, usageBlock } from '../../src/models/usage.js';
import { ModelError, type ChatModel, type Generation } from '../../src/models/types.js';
import { UserError } from '../../src/util/errors.js';

const gen = (inputTokens: number, outputTokens: number, extra: Partial<Generation> = {}): Generation => ({
  text: 'x',
  usage: { inputTokens, outputTokens },
  latencyMs: 1,
  cached: false,
  ...extra,
});

const dir = mkdtempSync(join(tmpdir(), 'models-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prices.yaml', () => {
  test('the shipped table loads and has the models we price', () => {
    const prices = loadPrices();
    for (const m of ['gpt-4o', 'gpt-4o-mini', 'gpt-4-turbo', 'gpt-4', 'gpt-4-0613', 'gpt-3.5-turbo']) {
      expect(prices[m]?.input).toBeGreaterThan(0);
      expect(prices[m]!.output).toBeGreaterThanOrEqual(prices[m]!.input);
    }
  });

  test('a bad entry is a user error naming its key', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'models:\n  gpt-4o: { input: 2.5, output: "ten" }\n');
    expect(() => loadPrices(file)).toThrow(UserError);
    expect(() => loadPrices(file)).toThrow(/key "models\.gpt-4o\.output"/);
    writeFileSync(file, 'models:\n  gpt-4o: { input: 2.5, output: 10, cached: 1 }\n');
    expect(() => loadPrices(file)).toThrow(/models\.gpt-4o.*cached/);
    writeFileSync(file, 'models: [\n');
    expect(() => loadPrices(file)).toThrow(/malformed YAML/);
    expect(() => loadPrices(join(dir, 'missing.yaml'))).toThrow(/no such file/);
  });
});

describe('costs', () => {
  const prices = { 'gpt-4o': { input: 2.5, output: 10 } };
  test('priced by model name of an openai id', () => {
    expect(modelNameOf('openai:gpt-4o@http://127.0.0.1:9/v1')).toBe('gpt-4o');
    expect(costOf(prices, 'openai:gpt-4o', 1_000_000, 100_000)).toBeCloseTo(3.5);
    expect(costOf(prices, 'openai:gpt-4o-2024-08-06', 10, 10)).toBeUndefined();
    // A local server's "gpt-4o" is not OpenAI's.
    expect(costOf(prices, 'vllm:gpt-4o@http://localhost:8000/v1', 10, 10)).toBeUndefined();
    expect(costOf(prices, 'openai:constructor', 10, 10)).toBeUndefined();
  });
  test('other vendors are priced by "<provider>:<model>" keys; local servers and look-alikes are not', () => {
    const p = { ...prices, 'anthropic:claude-haiku-4-5': { input: 1, output: 5 } };
    expect(costOf(p, 'anthropic:claude-haiku-4-5', 1_000_000, 1_000_000)).toBeCloseTo(6);
    expect(costOf(p, 'anthropic:claude-haiku-4-5@http://127.0.0.1:9', 1000, 0)).toBeCloseTo(0.001);
    expect(costOf(p, 'anthropic:gpt-4o', 10, 10)).toBeUndefined();
    expect(costOf(p, 'openai:anthropic:claude-haiku-4-5', 10, 10)).toBeUndefined();
    expect(costOf(p, 'ollama:claude-haiku-4-5@http://127.0.0.1:11434', 10, 10)).toBeUndefined();
  });
  test('the shipped table prices the main Anthropic and Google models', () => {
    const shipped = loadPrices();
    for (const id of ['anthropic:claude-sonnet-4-5', 'anthropic:claude-haiku-4-5', 'anthropic:claude-opus-4-1', 'google-genai:gemini-2.5-pro', 'google-genai:gemini-2.5-flash']) {
      expect(costOf(shipped, id, 1000, 1000), id).toBeGreaterThan(0);
    }
  });
});

describe('UsageTracker', () => {
  test('sums per role, with cost for a known model and none for an unknown one', () => {
    const t = new UsageTracker(loadPrices());
    t.record('coder', 'openai:gpt-4o', gen(1000, 200));
    t.record('coder', 'openai:gpt-4o', gen(500, 100, { cached: true }));
    t.record('user', 'openai:gpt-4o-mini', gen(2000, 50, { usage: { inputTokens: 2000, outputTokens: 50, estimated: true } }));
    t.record('reasoner', 'vllm:deepseek@http://localhost:8000/v1', gen(10, 10));
    t.recordFailure('coder');

    expect(t.get('coder')).toEqual({ calls: 2, cachedCalls: 1, failedCalls: 1, inputTokens: 1500, outputTokens: 300, estimatedCalls: 0, costUsd: (1500 * 2.5 + 300 * 10) / 1e6 });
    expect(t.get('user').costUsd).toBeCloseTo((2000 * 0.15 + 50 * 0.6) / 1e6, 12);
    expect(t.get('reasoner')).not.toHaveProperty('costUsd');
    expect(t.get('nobody').calls).toBe(0);
    expect(t.total()).not.toHaveProperty('costUsd');
    expect(t.total().calls).toBe(4);

    const json = JSON.parse(JSON.stringify(t)) as Record<string, Record<string, number>>;
    expect(Object.keys(json)).toEqual(['coder', 'user', 'reasoner']);
    expect(json.coder).toEqual({ calls: 2, cached_calls: 1, failed_calls: 1, input_tokens: 1500, output_tokens: 300, estimated_calls: 0, cost_usd: 0.00675 });
    expect(json.user).toMatchObject({ calls: 1, input_tokens: 2000, output_tokens: 50, estimated_calls: 1 });
    expect(json.reasoner).not.toHaveProperty('cost_usd');
  });

  test('one unpriced call makes the role cost unknown', () => {
    const t = new UsageTracker({ 'gpt-4o': { input: 1, output: 1 } });
    t.record('coder', 'openai:gpt-4o', gen(1, 1));
    t.record('coder', 'openai:mystery', gen(1, 1));
    expect(t.get('coder')).not.toHaveProperty('costUsd');
  });

  test('TrackedModel records successes and failures under the call role', async () => {
    let fail = false;
    const inner: ChatModel = {
      id: 'openai:gpt-4o',
      synthetic: false,
      async generate() {
        if (fail) throw new ModelError('SERVER', 'down', { attempts: 3 });
        return gen(10, 5);
      },
    };
    const t = new UsageTracker({ 'gpt-4o': { input: 2.5, output: 10 } });
    const m = new TrackedModel(inner, t);
    await m.generate([{ role: 'user', content: 'q' }], { role: 'user' });
    fail = true;
    await expect(m.generate([{ role: 'user', content: 'q' }], { role: 'user' })).rejects.toThrow('down');
    expect(t.toJSON().user).toMatchObject({ calls: 1, failed_calls: 1, input_tokens: 10, output_tokens: 5, cost_usd: 0.000075 });
  });
});

describe('usageBlock: one usage+cost block for every command', () => {
  const prices = { 'gpt-4o': { input: 2.5, output: 10 } };
  const gen = (i: number, o: number, cached = false, estimated = false): Pick<Generation, 'usage' | 'cached'> =>
    ({ usage: { inputTokens: i, outputTokens: o, ...(estimated ? { estimated: true as const } : {}) }, cached });
  test('from single generations: cache hits, estimates and the cost', () => {
    const b = usageBlock([gen(1000, 100), gen(1000, 100, true), gen(10, 1, false, true)], prices, 'openai:gpt-4o');
    expect(b).toEqual({ calls: 3, input_tokens: 2010, output_tokens: 201, cached_calls: 1, estimated_calls: 1, cost_usd: (2010 * 2.5 + 201 * 10) / 1e6 });
  });
  test('from a record\'s summed counts, and no cost for an unpriced or absent model', () => {
    expect(usageBlock([{ calls: 2, input_tokens: 1e6, output_tokens: 0 }], prices, 'openai:gpt-4o')).toEqual({ calls: 2, input_tokens: 1e6, output_tokens: 0, cost_usd: 2.5 });
    expect(usageBlock([gen(5, 5)], prices, 'offline:1')).not.toHaveProperty('cost_usd');
    expect(usageBlock([], prices, null)).toEqual({ calls: 0, input_tokens: 0, output_tokens: 0 });
  });
});
