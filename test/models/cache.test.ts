import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { CachedModel, ResponseCache, cacheKey, formatCallCounts, stableJson } from '../../src/models/cache.js';
import { Semaphore } from '../../src/models/limiter.js';
import { OpenAIChatModel } from '../../src/models/openai.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../../src/models/types.js';
import { runWorld } from '../../src/world/run-world.js';
import { useCacheDir } from '../helpers/cache-dir.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const [server] = useMockServers(new MockOpenAIServer());
const dir = useCacheDir('models-cache-');

const MESSAGES: ChatMessage[] = [{ role: 'user', content: 'add two numbers' }];

function cached(): CachedModel {
  const inner = new OpenAIChatModel({ model: 'gpt-4o', baseURL: server.baseURL, apiKey: 'k', backoffBaseMs: 10, limiter: new Semaphore(4) });
  return new CachedModel(inner, ResponseCache.open(dir()), { defaults: { temperature: 0, maxTokens: 2048 } });
}

describe('CachedModel', () => {
  test('a second identical call is served from the cache, also after re-opening from disk', async () => {
    const first = await cached().generate(MESSAGES, { role: 'coder' });
    expect(first.cached).toBe(false);
    expect(server.count).toBe(1);

    const second = await cached().generate(MESSAGES, { role: 'coder' });
    expect(second).toMatchObject({ text: first.text, usage: first.usage, cached: true });
    expect(server.count).toBe(1);

    await ResponseCache.closeAll(); // as if a new process opened the directory
    const third = await cached().generate(MESSAGES, { role: 'coder' });
    expect(third).toMatchObject({ text: first.text, usage: first.usage, cached: true });
    expect(server.count).toBe(1);
  });

  test('explicit default params share the entry; different params, stop or sampleIndex miss', async () => {
    const m = cached();
    await m.generate(MESSAGES, { role: 'coder' });
    expect((await m.generate(MESSAGES, { role: 'coder', temperature: 0, maxTokens: 2048, sampleIndex: 0 })).cached).toBe(true);
    // The role does not key real models: same request, same answer.
    expect((await m.generate(MESSAGES, { role: 'user' })).cached).toBe(true);
    expect((await m.generate(MESSAGES, { role: 'coder', sampleIndex: 1 })).cached).toBe(false);
    expect((await m.generate(MESSAGES, { role: 'coder', temperature: 0.7 })).cached).toBe(false);
    expect((await m.generate(MESSAGES, { role: 'coder', stop: ['\n'] })).cached).toBe(false);
    expect((await m.generate([...MESSAGES, { role: 'assistant', content: 'x' }], { role: 'coder' })).cached).toBe(false);
    expect(server.count).toBe(5);
    expect((await m.generate(MESSAGES, { role: 'coder', sampleIndex: 1 })).cached).toBe(true);
    expect(server.count).toBe(5);
  });

  test('identical concurrent calls make one request', async () => {
    server.okDelayMs = 50;
    const m = cached();
    const gens = await Promise.all([1, 2, 3].map(() => m.generate(MESSAGES, { role: 'coder' })));
    expect(server.count).toBe(1);
    expect(gens.map((g) => g.cached).sort()).toEqual([false, true, true]);
  });

  test('errors are not cached', async () => {
    server.plan('400');
    const m = cached();
    await expect(m.generate(MESSAGES, { role: 'coder' })).rejects.toMatchObject({ code: 'CONFIG' });
    expect((await m.generate(MESSAGES, { role: 'coder' })).cached).toBe(false);
    expect(server.count).toBe(2);
  });

  test("mode 'off' always calls the model", async () => {
    const inner = new OpenAIChatModel({ model: 'gpt-4o', baseURL: server.baseURL, apiKey: 'k', limiter: new Semaphore(4) });
    const m = new CachedModel(inner, ResponseCache.open(dir()), { mode: 'off' });
    await m.generate(MESSAGES, { role: 'coder' });
    await m.generate(MESSAGES, { role: 'coder' });
    expect(server.count).toBe(2);
    expect(ResponseCache.open(dir()).size).toBe(0);
  });
});

describe('ResponseCache on disk', () => {
  const record = (k: string, text = 'answer') => ({ k, model: 'm', text, usage: { inputTokens: 3, outputTokens: 4 }, latencyMs: 5, t: '2025-01-01T00:00:00Z' });

  test('writes one JSON line per entry into a shard of its own', async () => {
    const cache = ResponseCache.open(dir());
    await cache.put(record('a'));
    await cache.put(record('b'));
    const shards = readdirSync(dir());
    expect(shards).toHaveLength(1);
    const lines = readFileSync(join(dir(), shards[0]!), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { k: string }).k)).toEqual(['a', 'b']);
  });

  test('a torn last line left by a killed process is ignored', async () => {
    const cache = ResponseCache.open(dir());
    await cache.put(record('a'));
    const shard = join(dir(), readdirSync(dir())[0]!);
    appendFileSync(shard, '{"k":"b","model":"m","te');
    await ResponseCache.closeAll();
    const reopened = ResponseCache.open(dir());
    expect(reopened.size).toBe(1);
    expect(reopened.get('a')?.text).toBe('answer');
    // New entries go to a new shard, never after the torn line.
    await reopened.put(record('c'));
    expect(readdirSync(dir())).toHaveLength(2);
    await ResponseCache.closeAll();
    expect(ResponseCache.open(dir()).size).toBe(2);
  });

  test('shards of several processes are all loaded', async () => {
    appendFileSync(join(dir(), 'x-1.jsonl'), JSON.stringify(record('a')) + '\n');
    appendFileSync(join(dir(), 'x-2.jsonl'), JSON.stringify(record('b')) + '\n' + JSON.stringify({ k: 'junk' }) + '\n');
    const cache = ResponseCache.open(dir());
    expect(cache.size).toBe(2);
  });
});

describe('cacheKey', () => {
  const real = { id: 'openai:gpt-4o', synthetic: false };
  const synthetic = { id: 'offline:0.5', synthetic: true };

  test('a synthetic model keys on its behaviour version and role; a real one on neither', () => {
    const opts: GenerateOptions = { role: 'coder' };
    expect(cacheKey(real, MESSAGES, opts)).toBe(cacheKey(real, MESSAGES, { role: 'user' }));
    expect(cacheKey(synthetic, MESSAGES, opts)).not.toBe(cacheKey(synthetic, MESSAGES, { role: 'user' }));
    expect(cacheKey({ ...synthetic, behaviour: '2' }, MESSAGES, opts)).not.toBe(cacheKey({ ...synthetic, behaviour: '3' }, MESSAGES, opts));
  });

  test('stableJson sorts keys at every level', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  test('a synthetic model is cached on its messages', async () => {
    let calls = 0;
    const fake: ChatModel = {
      id: 'offline:0.5',
      synthetic: true,
      async generate(m): Promise<Generation> {
        calls++;
        return { text: `seen ${m.length}`, usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 0, cached: false };
      },
    };
    const m = new CachedModel(fake, ResponseCache.open(dir()));
    const two = [...MESSAGES, { role: 'user' as const, content: 'again' }];
    expect((await m.generate(MESSAGES, { role: 'coder' })).text).toBe(`seen ${MESSAGES.length}`);
    expect((await m.generate(two, { role: 'coder' })).text).toBe(`seen ${two.length}`);
    expect((await m.generate(MESSAGES, { role: 'coder' })).cached).toBe(true);
    expect(calls).toBe(2);
  });
});

describe('the cache keys on the model the endpoint serves', () => {
  const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
  // Protocol clean: turn 0 needs no sanitizer, so the fake sandbox (no check handler) can judge it.
  const worldConfig = (out: string, cacheDir: string): WorldConfig => resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'test', values: { dataset: SAMPLE, cacheDir, model: `vllm:served@${server.baseURL}`, setting: 'CF_EF_FULL', limit: 2, maxTurns: 0, out, protocol: 'clean' } },
  ]);
  const stats = (out: string): Record<string, unknown> => JSON.parse(readFileSync(join(out, 'run-stats.json'), 'utf8')) as Record<string, unknown>;

  test('a new checkpoint under the same served name is called again; the old one\'s answers come back, counted as cached', async () => {
    const root = dir();
    server.models = [{ id: 'served', root: '/ckpt/a', max_model_len: 4096 }];
    const a = await runWorld(worldConfig(join(root, 'a'), join(root, 'cache')), { sandbox: new FakeSandbox() });
    const live = a.stats.modelCalls.coder!;
    expect(live).toBeGreaterThan(0);
    expect(server.count).toBe(live);

    await ResponseCache.closeAll();
    server.models = [{ id: 'served', root: '/ckpt/b', max_model_len: 4096 }]; // another checkpoint, same name
    const b = await runWorld(worldConfig(join(root, 'b'), join(root, 'cache')), { sandbox: new FakeSandbox() });
    expect(b.stats.modelCalls.coder).toBe(live);
    expect(b.stats.cachedAnswers.coder ?? 0).toBe(0);
    expect(server.count).toBe(2 * live);

    await ResponseCache.closeAll();
    server.models = [{ id: 'served', root: '/ckpt/a', max_model_len: 4096 }];
    const t0 = new Date().toISOString();
    const c = await runWorld(worldConfig(join(root, 'c'), join(root, 'cache')), { sandbox: new FakeSandbox() });
    expect(c.stats).toMatchObject({ modelCalls: { coder: 0 }, cachedAnswers: { coder: live } });
    expect(c.stats.cachedSince.coder! < t0).toBe(true);
    expect(stats(join(root, 'c'))).toMatchObject({ modelCalls: { coder: 0 }, cachedAnswers: { coder: live } });
    expect(server.count).toBe(2 * live);
    expect(formatCallCounts({ live: c.stats.modelCalls, cached: c.stats.cachedAnswers, cachedSince: c.stats.cachedSince }))
      .toMatch(new RegExp(`^model calls: coder 0 live \\+ ${live} cached answers? \\(cached \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z and later\\)`));
  });

  test('without a model list, the fingerprint the endpoint sends keys the cache', async () => {
    const root = dir();
    server.fingerprint = 'fp_one';
    await runWorld(worldConfig(join(root, 'a'), join(root, 'cache')), { sandbox: new FakeSandbox() });
    const live = server.count;
    expect(server.probes).toBe(1);
    await ResponseCache.closeAll();
    server.fingerprint = 'fp_two';
    const b = await runWorld(worldConfig(join(root, 'b'), join(root, 'cache')), { sandbox: new FakeSandbox() });
    expect(b.stats.modelCalls.coder).toBe(live);
  });
});
