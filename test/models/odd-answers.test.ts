import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CachedModel, ResponseCache } from '../../src/models/cache.js';
import { Semaphore } from '../../src/models/limiter.js';
import { OpenAIChatModel } from '../../src/models/openai.js';
import { ModelError, type ChatMessage } from '../../src/models/types.js';
import { useCacheDir } from '../helpers/cache-dir.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

// Issue 16, defect 8: a 200 with null content was cached as an empty answer; a 20 MB answer was kept whole.
const [server] = useMockServers(new MockOpenAIServer());
const dir = useCacheDir('odd-answers-');

const MESSAGES: ChatMessage[] = [{ role: 'user', content: 'add two numbers' }];
const inner = (maxRetries = 2): OpenAIChatModel =>
  new OpenAIChatModel({ model: 'gpt-4o', baseURL: server.baseURL, apiKey: 'k', backoffBaseMs: 5, maxRetries, limiter: new Semaphore(4) });
const cached = (maxRetries = 2): CachedModel => new CachedModel(inner(maxRetries), ResponseCache.open(dir()), { defaults: { temperature: 0, maxTokens: 2048 } });

describe('odd answers', () => {
  test('null content is a retryable malformed answer: the retry is what the caller gets', async () => {
    server.plan('null-content');
    const gen = await cached().generate(MESSAGES, { role: 'coder' });
    expect(gen.text).toBe('echo: add two numbers');
    expect(server.count).toBe(2);
  });

  test('null content every time ends in BAD_RESPONSE and nothing is cached', async () => {
    server.fallback = 'null-content';
    const err = await cached(1).generate(MESSAGES, { role: 'coder' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('BAD_RESPONSE');
    expect((err as ModelError).message).toMatch(/null or empty/);
    await ResponseCache.closeAll();
    server.fallback = 'ok';
    const again = await cached().generate(MESSAGES, { role: 'coder' });
    expect(again).toMatchObject({ text: 'echo: add two numbers', cached: false });
  });

  test('an empty answer is a malformed answer too', async () => {
    server.answer = () => '';
    const err = await inner(0).generate(MESSAGES, { role: 'coder' }).catch((e: unknown) => e);
    expect((err as ModelError).code).toBe('BAD_RESPONSE');
  });

  test('an answer far beyond max_tokens is stored cut, with a note saying so', async () => {
    const huge = 'x'.repeat(5_000_000);
    server.answer = () => huge;
    const gen = await cached().generate(MESSAGES, { role: 'coder', maxTokens: 100 });
    expect(gen.text.length).toBeLessThan(40_000);
    expect(gen.text.startsWith('x'.repeat(32_768))).toBe(true);
    expect(gen.text).toMatch(/\[answer cut: 5000000 characters received, the first 32768 kept\]$/);
    await ResponseCache.closeAll();
    const bytes = readdirSync(dir()).reduce((n, f) => n + statSync(join(dir(), f)).size, 0);
    expect(bytes).toBeLessThan(60_000);
    expect(readdirSync(dir()).map((f) => readFileSync(join(dir(), f), 'utf8')).join('')).toContain('answer cut');
  });
});
