import { describe, expect, test } from 'vitest';
import { OpenAIChatModel, type OpenAIModelOptions } from '../../src/models/openai.js';
import { Semaphore } from '../../src/models/limiter.js';
import { ModelError, type ChatMessage } from '../../src/models/types.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const [server] = useMockServers(new MockOpenAIServer());

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are a coder.' },
  { role: 'user', content: 'Write {x} please' },
];

function model(opts: Partial<OpenAIModelOptions> = {}): OpenAIChatModel {
  return new OpenAIChatModel({
    model: 'gpt-4o',
    baseURL: server.baseURL,
    apiKey: 'test-key',
    timeoutMs: 2_000,
    maxRetries: 2,
    backoffBaseMs: 10,
    limiter: new Semaphore(8),
    ...opts,
  });
}

async function failure(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAIChatModel over HTTP', () => {
  test('returns text and server usage', async () => {
    const gen = await model().generate(MESSAGES, { role: 'coder', stop: ['```'], maxTokens: 64, temperature: 0.5 });
    expect(gen.text).toBe('echo: Write {x} please');
    expect(gen.usage).toEqual({ inputTokens: 10 + 16 + 16, outputTokens: gen.text.length });
    expect(gen.cached).toBe(false);
    expect(gen.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.count).toBe(1);
    const body = server.requests[0]!.body;
    expect(body).toMatchObject({ model: 'gpt-4o', temperature: 0.5, max_tokens: 64, stop: ['```'] });
    expect(body.messages).toEqual(MESSAGES);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer test-key');
  });

  test('a base URL without /v1 reaches /chat/completions', async () => {
    const m = model({ baseURL: server.baseURL.replace(/\/v1$/, '') });
    expect((await m.generate(MESSAGES, { role: 'user' })).text).toBe('echo: Write {x} please');
    expect(server.requests[0]!.path).toBe('/chat/completions');
  });

  test('estimates usage when the server reports none', async () => {
    server.plan('no-usage');
    const gen = await model().generate(MESSAGES, { role: 'coder' });
    expect(gen.usage).toEqual({ inputTokens: Math.ceil(32 / 4), outputTokens: Math.ceil(gen.text.length / 4), estimated: true });
  });

  test('429 then success is retried', async () => {
    server.plan('429', '429');
    const gen = await model().generate(MESSAGES, { role: 'coder' });
    expect(gen.text).toBe('echo: Write {x} please');
    expect(server.count).toBe(3);
  });

  test('honours Retry-After', async () => {
    server.plan('429');
    server.retryAfter = '1';
    const t0 = Date.now();
    await model({ backoffBaseMs: 1 }).generate(MESSAGES, { role: 'coder' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(server.count).toBe(2);
  });

  test('persistent 429 ends in RATE_LIMIT', async () => {
    server.fallback = '429';
    const err = await failure(model({ maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('RATE_LIMIT');
    expect(err.status).toBe(429);
    expect(server.count).toBe(2);
  });

  test('persistent 500 ends in SERVER after maxRetries + 1 attempts', async () => {
    server.fallback = '500';
    const err = await failure(model({ maxRetries: 3 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('SERVER');
    expect(err.attempts).toBe(4);
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/^openai:gpt-4o: server error \(HTTP 500\) after 4 attempts: /);
    expect(server.count).toBe(4);
  });

  test('slow answer gives TIMEOUT (retried)', async () => {
    server.fallback = 'slow';
    server.slowMs = 3_000;
    const t0 = Date.now();
    const err = await failure(model({ timeoutMs: 150, maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.attempts).toBe(2);
    expect(server.count).toBe(2);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  test('timeout then success', async () => {
    server.plan('slow');
    server.slowMs = 3_000;
    const gen = await model({ timeoutMs: 150 }).generate(MESSAGES, { role: 'coder' });
    expect(gen.text).toBe('echo: Write {x} please');
    expect(server.count).toBe(2);
  });

  test('a cut connection is retried', async () => {
    server.plan('cut');
    const gen = await model().generate(MESSAGES, { role: 'coder' });
    expect(gen.text).toBe('echo: Write {x} please');
    expect(server.count).toBe(2);
  });

  test('persistent cut connections give CONNECTION', async () => {
    server.fallback = 'cut';
    const err = await failure(model({ maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('CONNECTION');
    expect(err.attempts).toBe(2);
    expect(server.count).toBe(2);
  });

  test('a refused connection gives CONNECTION', async () => {
    const gone = await MockOpenAIServer.start();
    const url = gone.baseURL;
    await gone.close();
    const err = await failure(model({ baseURL: url, maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('CONNECTION');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  test('malformed JSON gives BAD_RESPONSE (retried)', async () => {
    server.fallback = 'malformed';
    const err = await failure(model({ maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('BAD_RESPONSE');
    expect(server.count).toBe(2);
  });

  test('JSON without choices gives BAD_RESPONSE; a good retry succeeds', async () => {
    server.plan('empty');
    expect((await model().generate(MESSAGES, { role: 'coder' })).text).toBe('echo: Write {x} please');
    server.fallback = 'empty';
    const err = await failure(model({ maxRetries: 0 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('BAD_RESPONSE');
  });

  test('401 is AUTH and not retried', async () => {
    server.fallback = '401';
    const err = await failure(model().generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('AUTH');
    expect(err.attempts).toBe(1);
    expect(err.message).not.toMatch(/Troubleshooting/);
    expect(server.count).toBe(1);
  });

  test('400 is CONFIG and not retried', async () => {
    server.fallback = '400';
    const err = await failure(model().generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('CONFIG');
    expect(server.count).toBe(1);
  });

  test('no API key for api.openai.com is AUTH before any call', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => new OpenAIChatModel({ model: 'gpt-4o', baseURL: 'https://api.openai.com/v1' })).toThrow(ModelError);
      // A local server gets a dummy key.
      expect(() => new OpenAIChatModel({ model: 'm', baseURL: server.baseURL })).not.toThrow();
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});
