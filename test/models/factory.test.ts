import { describe, expect, test } from 'vitest';
import { CachedModel, TrackedModel, UsageTracker, createModel, type ChatModel, type Generation } from '../../src/models/index.js';
import { UserError } from '../../src/util/errors.js';
import { useCacheDir } from '../helpers/cache-dir.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const [server] = useMockServers(new MockOpenAIServer());
const dir = useCacheDir('models-factory-');

const Q = [{ role: 'user' as const, content: 'hello' }];

describe('createModel', () => {
  test('openai-compatible spec: tracked, cached, one HTTP call for two identical requests', async () => {
    const tracker = new UsageTracker({ 'gpt-4o': { input: 2.5, output: 10 } });
    const m = createModel(`openai:gpt-4o@${server.baseURL}`, { apiKey: 'k', maxTokens: 100 }, { cacheDir: dir(), tracker });
    expect(m).toBeInstanceOf(TrackedModel);
    expect((m as TrackedModel).inner).toBeInstanceOf(CachedModel);
    expect(m.id).toBe(`openai:gpt-4o@${server.baseURL}`);
    expect(m.synthetic).toBe(false);
    await m.generate(Q, { role: 'coder' });
    const again = await m.generate(Q, { role: 'coder' });
    expect(again.cached).toBe(true);
    expect(server.count).toBe(1);
    expect(server.requests[0]!.body.max_tokens).toBe(100);
    expect(tracker.toJSON().coder).toMatchObject({ calls: 2, cached_calls: 1 });
    expect(tracker.toJSON().coder!.cost_usd).toBeGreaterThan(0);
  });

  test('cache false or off means no cache', async () => {
    for (const cache of [false, 'off'] as const) {
      server.reset();
      const m = createModel(`vllm:qwen@${server.baseURL}`, {}, { cacheDir: dir(), cache });
      await m.generate(Q, { role: 'reasoner' });
      await m.generate(Q, { role: 'reasoner' });
      expect(server.count).toBe(2);
    }
  });

  test('vllm takes its base URL from params when the spec has none', async () => {
    const m = createModel('vllm:qwen', { baseURL: server.baseURL }, { cache: false });
    expect(m.id).toBe(`vllm:qwen@${server.baseURL}`);
    expect((await m.generate(Q, { role: 'reasoner' })).text).toBe('echo: hello');
  });

  test('vllm without any base URL is a user error', () => {
    const saved = process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_BASE_URL;
    try {
      expect(() => createModel('vllm:qwen', {}, { cache: false })).toThrow(UserError);
    } finally {
      if (saved !== undefined) process.env.OPENAI_BASE_URL = saved;
    }
  });

  test('offline needs an injected provider', async () => {
    expect(() => createModel('offline:0.3', {}, { cache: false })).toThrow(UserError);
    expect(() => createModel('offline:0.3', {}, { cache: false })).toThrow(/offline/);

    let seen: number | undefined;
    const offline = (skill: number): ChatModel => {
      seen = skill;
      return {
        id: `offline:${skill}`,
        synthetic: true,
        async generate(): Promise<Generation> {
          return { text: 'synthetic', usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0, cached: false };
        },
      };
    };
    const m = createModel('offline:0.3', {}, { cacheDir: dir(), offline });
    expect(seen).toBe(0.3);
    expect(m.synthetic).toBe(true);
    expect((await m.generate(Q, { role: 'user' })).text).toBe('synthetic');
    expect(createModel('offline', {}, { cache: false, offline }).id).toBe('offline:0.5');
  });

  test('bad spec and bad params are user errors', () => {
    expect(() => createModel('nope:x', {}, { cache: false })).toThrow(UserError);
    expect(() => createModel(`vllm:q@${server.baseURL}`, { temperature: 5 }, { cache: false })).toThrow(/"temperature"/);
  });
});
