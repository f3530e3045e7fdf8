import { describe, expect, test } from 'vitest';
import { ModelError, type Generation } from '../../src/models/types.js';
import { UniversalChatModel, type UniversalModelOptions } from '../../src/models/universal.js';
import { Semaphore } from '../../src/models/limiter.js';
import { MockAnthropicServer } from '../helpers/mock-anthropic-server.js';
import { useMockServers, type MockChatServer, type VendorMode, type VendorRequest } from '../helpers/mock-chat-server.js';
import { MockGeminiServer } from '../helpers/mock-gemini-server.js';
import { MockOllamaServer } from '../helpers/mock-ollama-server.js';

const [anthropic, ollama, gemini] = useMockServers(new MockAnthropicServer(), new MockOllamaServer(), new MockGeminiServer());

const Q = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'hello' },
];
const fast = { backoffBaseMs: 5, backoffMaxMs: 10, timeoutMs: 5_000 };

type Kind = 'anthropic' | 'ollama' | 'google-genai';
const servers: Record<Kind, MockChatServer> = { anthropic, ollama, 'google-genai': gemini };
function model(kind: Kind, over: Partial<UniversalModelOptions> = {}): UniversalChatModel {
  const server = servers[kind];
  const name = kind === 'anthropic' ? 'claude-haiku-4-5' : kind === 'ollama' ? 'llama3.1:8b' : 'gemini-2.5-flash';
  return new UniversalChatModel({
    provider: kind, model: name, id: `${kind}:${name}@${server.baseURL}`, baseURL: server.baseURL,
    maxRetries: 2, limiter: new Semaphore(8), ...fast, ...over,
  });
}
async function failure(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

/** Checks a generation of the echo answer to Q, counted as `offset` + prompt characters in and answer characters out; returns the one request the server saw. */
async function answeredOnce(kind: Kind, generation: Promise<Generation>, offset: number): Promise<VendorRequest> {
  const g = await generation;
  expect(g.text).toBe('echo: hello');
  const input = 'You are terse.'.length + 'hello'.length;
  expect(g.usage).toEqual({ inputTokens: offset + input, outputTokens: 'echo: hello'.length });
  expect(servers[kind].count).toBe(1);
  return servers[kind].requests[0]!;
}

/** The faults every provider answers alike: mode, ModelError code, attempts, HTTP status. */
const COMMON_FAULTS = [
  ['500', 'SERVER', 3, 500],
  ['429', 'RATE_LIMIT', 3, 429],
  ['malformed', 'BAD_RESPONSE', 3, undefined],
  ['cut', 'CONNECTION', 3, undefined],
] as const;

/**
 * What every provider must do: retry 429 and 500 until the answer arrives; end a server that keeps
 * answering a fault in the ModelError of `faults` (mode, code, attempts, HTTP status); and give up
 * each attempt at the timeout for the modes `slow` (headers late, or a stream that stalls), closing
 * the abandoned requests where `closesAbandoned`.
 */
function sharedBehaviour(kind: Kind, faults: ReadonlyArray<readonly [VendorMode, string, number, number | undefined]>, slow: VendorMode[] = ['slow'], closesAbandoned = true): void {
  const server = servers[kind];
  test('429 and 500 are retried with backoff, then the answer arrives', async () => {
    server.plan('429', '500', 'ok');
    expect((await model(kind).generate(Q, { role: 'user' })).text).toBe('echo: hello');
    expect(server.count).toBe(3);
  });

  test.each(faults)('a server that keeps answering %s ends in ModelError %s after %i attempts', async (mode, code, attempts, status) => {
    server.fallback = mode;
    const err = await failure(model(kind).generate(Q, { role: 'coder' }));
    expect(err.code).toBe(code);
    expect(err.attempts).toBe(attempts);
    expect(err.status).toBe(status);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(server.count).toBe(attempts);
  });

  test.each(slow)('%s: a server slower than the timeout is abandoned per attempt and reported as TIMEOUT', async (mode) => {
    server.fallback = mode;
    server.slowMs = 3_000;
    const t0 = Date.now();
    const err = await failure(model(kind, { timeoutMs: 200, maxRetries: 1 }).generate(Q, { role: 'coder' }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.attempts).toBe(2);
    expect(Date.now() - t0).toBeLessThan(2_000);
    if (!closesAbandoned) return;
    // The abandoned requests are closed, not left hanging on the server (nor half-streamed answers returned).
    await new Promise((r) => setTimeout(r, 100));
    expect(server.inFlight).toBe(0);
  });
}

describe('Anthropic Messages API through initChatModel', () => {
  test('sends the request in Anthropic form and reads usage from usage.input_tokens/output_tokens', async () => {
    const req = await answeredOnce('anthropic', model('anthropic', { maxTokens: 123, temperature: 0.5 }).generate(Q, { role: 'coder', stop: ['END'] }), 7);
    expect(req.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 123, temperature: 0.5, stop_sequences: ['END'] });
    expect(JSON.stringify(req.body.system)).toContain('You are terse.');
    expect(req.headers['x-api-key']).toBeTruthy(); // a stand-in key for a custom endpoint without one
  });

  sharedBehaviour('anthropic', [...COMMON_FAULTS, ['401', 'AUTH', 1, 401], ['empty', 'BAD_RESPONSE', 3, undefined]]);

  test('a malformed body once is survived', async () => {
    anthropic.plan('malformed', 'ok');
    expect((await model('anthropic').generate(Q, { role: 'coder' })).text).toBe('echo: hello');
  });

  test('no usage in the reply gives a chars/4 estimate marked as such', async () => {
    anthropic.fallback = 'no-usage';
    const g = await model('anthropic').generate(Q, { role: 'coder' });
    expect(g.usage.estimated).toBe(true);
    expect(g.usage.outputTokens).toBe(Math.ceil('echo: hello'.length / 4));
  });

  test('the concurrency limit holds requests in flight at the server', async () => {
    anthropic.okDelayMs = 100;
    const m = model('anthropic', { limiter: new Semaphore(2) });
    await Promise.all(Array.from({ length: 6 }, (_, i) => m.generate([{ role: 'user', content: `q${i}` }], { role: 'coder' })));
    expect(anthropic.count).toBe(6);
    expect(anthropic.maxInFlight).toBe(2);
  });
});

describe('Ollama chat API through initChatModel', () => {
  test('streams the answer and reads usage from prompt_eval_count/eval_count', async () => {
    const req = await answeredOnce('ollama', model('ollama', { maxTokens: 77 }).generate(Q, { role: 'user' }), 11);
    expect(req.body).toMatchObject({ model: 'llama3.1:8b', stream: true, options: { num_predict: 77, temperature: 0 } });
  });

  sharedBehaviour('ollama', [...COMMON_FAULTS, ['truncated', 'BAD_RESPONSE', 3, undefined]], ['slow', 'stall']);

  test('no counts in the done line give an estimate, not zero tokens', async () => {
    ollama.fallback = 'no-usage';
    const g = await model('ollama').generate(Q, { role: 'coder' });
    expect(g.usage.estimated).toBe(true);
    expect(g.usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('Gemini generateContent API through initChatModel', () => {
  test('sends contents and generationConfig, and reads usage from usageMetadata', async () => {
    const req = await answeredOnce('google-genai', model('google-genai', { maxTokens: 55 }).generate(Q, { role: 'coder' }), 5);
    expect(req.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.body).toMatchObject({ generationConfig: { maxOutputTokens: 55, temperature: 0 } });
    expect(req.headers['x-goog-api-key']).toBeTruthy();
  });

  sharedBehaviour('google-genai', COMMON_FAULTS, ['slow']);
});

describe.each(['anthropic', 'ollama', 'google-genai'] as const)('%s: answers the OpenAI path does not accept either', (kind) => {
  test('an empty answer is a broken response: retried, then BAD_RESPONSE', async () => {
    servers[kind].answer = () => '';
    const err = await failure(model(kind).generate(Q, { role: 'coder' }));
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.attempts).toBe(3);
    expect(err.message).toContain('empty');
  });

  test('an empty answer once is survived', async () => {
    let n = 0;
    servers[kind].answer = () => (n++ === 0 ? '' : 'fine');
    expect((await model(kind).generate(Q, { role: 'coder' })).text).toBe('fine');
  });

  // 4 MB rather than the probe's 20 MB: LangChain's ollama stream parser alone needs ~25 s for 20 MB here.
  test('a 4 MB answer is cut to the answer cap, with a line saying so', async () => {
    servers[kind].answer = () => 'x'.repeat(4_000_000);
    const g = await model(kind, { maxTokens: 100, timeoutMs: 60_000 }).generate(Q, { role: 'coder' });
    expect(g.text.length).toBeLessThan(40_000);
    expect(g.text).toMatch(/\[answer cut: 4000000 characters received, the first 32768 kept\]$/);
  }, 120_000);
});
