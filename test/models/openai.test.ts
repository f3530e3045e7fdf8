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

  test.each([
    ['429 then success is retried', ['429', '429'], {}, 3],
    ['timeout then success', ['slow'], { timeoutMs: 150 }, 2],
    ['a cut connection is retried', ['cut'], {}, 2],
  ] as const)('%s', async (_name, modes, opts, count) => {
    server.plan(...modes);
    server.slowMs = 3_000;
    const gen = await model(opts).generate(MESSAGES, { role: 'coder' });
    expect(gen.text).toBe('echo: Write {x} please');
    expect(server.count).toBe(count);
  });

  test('honours Retry-After', async () => {
    server.plan('429');
    server.retryAfter = '1';
    const t0 = Date.now();
    await model({ backoffBaseMs: 1 }).generate(MESSAGES, { role: 'coder' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(server.count).toBe(2);
  });

  test.each([
    ['persistent 429 ends in RATE_LIMIT', '429', 1, 'RATE_LIMIT', 429],
    ['persistent 500 ends in SERVER after maxRetries + 1 attempts', '500', 3, 'SERVER', 500],
    ['persistent cut connections give CONNECTION', 'cut', 1, 'CONNECTION', undefined],
    ['malformed JSON gives BAD_RESPONSE (retried)', 'malformed', 1, 'BAD_RESPONSE', undefined],
    ['401 is AUTH and not retried', '401', 0, 'AUTH', 401],
    ['400 is CONFIG and not retried', '400', 0, 'CONFIG', 400],
  ] as const)('%s', async (_name, mode, retries, code, status) => {
    server.fallback = mode;
    // 401 and 400 are asked with retries to spare: they must not use them.
    const err = await failure(model({ maxRetries: retries || 2 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe(code);
    expect(err.attempts).toBe(retries + 1);
    expect(err.status).toBe(status);
    expect(server.count).toBe(retries + 1);
    if (mode === '500') expect(err.message).toMatch(/^openai:gpt-4o: server error \(HTTP 500\) after 4 attempts: /);
    if (mode === '401') expect(err.message).not.toMatch(/Troubleshooting/);
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


  test('a refused connection gives CONNECTION', async () => {
    const gone = await MockOpenAIServer.start();
    const url = gone.baseURL;
    await gone.close();
    const err = await failure(model({ baseURL: url, maxRetries: 1 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('CONNECTION');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  test('JSON without choices gives BAD_RESPONSE; a good retry succeeds', async () => {
    server.plan('empty');
    expect((await model().generate(MESSAGES, { role: 'coder' })).text).toBe('echo: Write {x} please');
    server.fallback = 'empty';
    const err = await failure(model({ maxRetries: 0 }).generate(MESSAGES, { role: 'coder' }));
    expect(err.code).toBe('BAD_RESPONSE');
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
