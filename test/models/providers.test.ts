import { MODEL_PROVIDER_CONFIG } from 'langchain/chat_models/universal';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { UsageTracker, createModel, loadPrices, type ChatModel } from '../../src/models/index.js';
import { PROVIDERS, UNIVERSAL_PROVIDERS, normalizeBaseURL, packageInstalled } from '../../src/models/providers.js';
import { ModelError } from '../../src/models/types.js';
import { UniversalChatModel } from '../../src/models/universal.js';
import { useCacheDir } from '../helpers/cache-dir.js';
import { MockAnthropicServer } from '../helpers/mock-anthropic-server.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockGeminiServer } from '../helpers/mock-gemini-server.js';
import { MockOllamaServer } from '../helpers/mock-ollama-server.js';

const [anthropic, ollama, gemini] = useMockServers(new MockAnthropicServer(), new MockOllamaServer(), new MockGeminiServer());
const dir = useCacheDir('providers-');
beforeEach(() => {
  // The machine's own settings must not leak into these tests.
  for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_URL', 'OLLAMA_HOST', 'OLLAMA_BASE_URL', 'GOOGLE_API_KEY', 'GEMINI_API_KEY']) vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const Q = [{ role: 'user' as const, content: 'hello' }];
function thrown(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return e as ModelError;
  }
  throw new Error('expected a ModelError');
}

describe('provider table', () => {
  test('covers every provider of the installed langchain except openai (own path) and langsmith (a gateway)', () => {
    const theirs = Object.keys(MODEL_PROVIDER_CONFIG).filter((p) => p !== 'openai' && p !== 'langsmith').sort();
    expect([...UNIVERSAL_PROVIDERS].sort()).toEqual(theirs);
    for (const p of UNIVERSAL_PROVIDERS) expect(PROVIDERS[p].pkg, p).toBe((MODEL_PROVIDER_CONFIG as Record<string, { package: string }>)[p]!.package);
  });

  test('the packages the tests need are installed by npm ci; others are optional', () => {
    expect(packageInstalled('@langchain/anthropic')).toBe(true);
    expect(packageInstalled('@langchain/ollama')).toBe(true);
    expect(packageInstalled('@langchain/no-such-provider')).toBe(false);
  });

  test('OLLAMA_HOST forms are completed the way the Ollama CLI does', () => {
    expect(normalizeBaseURL('ollama', '127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
    expect(normalizeBaseURL('ollama', 'gpu-box')).toBe('http://gpu-box:11434');
    expect(normalizeBaseURL('ollama', 'https://ollama.example/')).toBe('https://ollama.example');
  });
});

describe('createModel for LangChain providers', () => {
  test('a provider whose package is missing fails at once, on one line naming the package', () => {
    expect(packageInstalled('@langchain/cohere')).toBe(false); // this test needs it absent
    const err = thrown(() => createModel('cohere:command-r', { apiKey: 'k' }, { cache: false }));
    expect(err.code).toBe('CONFIG');
    expect(err.message).toBe('model spec "cohere:command-r": provider "cohere" needs the package @langchain/cohere, which is not installed: run npm install @langchain/cohere');
  });

  test('the package is imported on first use; missing then, it is the same one line (no stack)', async () => {
    const m = new UniversalChatModel({ provider: 'cohere', model: 'command-r', id: 'cohere:command-r', apiKey: 'k' });
    const err = await m.generate(Q, { role: 'coder' }).then(() => undefined, (e: unknown) => e as ModelError);
    expect(err).toBeInstanceOf(ModelError);
    expect(err!.code).toBe('CONFIG');
    expect(err!.attempts).toBe(0);
    expect(err!.message).toBe('cohere:command-r: provider "cohere" needs the package @langchain/cohere, which is not installed: run npm install @langchain/cohere');
  });

  test('a vendor endpoint without a key fails at once, naming the variable', () => {
    const err = thrown(() => createModel('anthropic:claude-haiku-4-5', {}, { cache: false }));
    expect(err.code).toBe('AUTH');
    expect(err.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(thrown(() => createModel('google-genai:gemini-2.5-flash', {}, { cache: false })).message).toMatch(/GOOGLE_API_KEY or GEMINI_API_KEY/);
  });

  test('ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY are used; the id then stays the plain vendor id', async () => {
    vi.stubEnv('ANTHROPIC_BASE_URL', anthropic.baseURL);
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-test');
    const m = createModel('anthropic:claude-haiku-4-5', {}, { cache: false });
    expect(m.id).toBe('anthropic:claude-haiku-4-5');
    expect((await m.generate(Q, { role: 'coder' })).text).toBe('echo: hello');
    expect(anthropic.requests[0]!.headers['x-api-key']).toBe('sk-ant-test');
  });

  test('params.baseURL and apiKey (the config) reach the provider', async () => {
    const m = createModel('anthropic:claude-haiku-4-5', { baseURL: anthropic.baseURL, apiKey: 'from-config' }, { cache: false });
    await m.generate(Q, { role: 'coder' });
    expect(anthropic.requests[0]!.headers['x-api-key']).toBe('from-config');
  });

  test('OLLAMA_HOST is read, and a local server\'s URL is part of the model id', async () => {
    vi.stubEnv('OLLAMA_HOST', ollama.baseURL.replace('http://', ''));
    const m = createModel('ollama:llama3.1:8b', {}, { cache: false });
    expect(m.id).toBe(`ollama:llama3.1:8b@${ollama.baseURL}`);
    expect((await m.generate(Q, { role: 'user' })).text).toBe('echo: hello');
    expect(ollama.count).toBe(1);
  });

  test('a base URL for a provider we cannot redirect is refused on one line', () => {
    expect(thrown(() => createModel('azure_openai:gpt-4o@http://127.0.0.1:1', {}, { cache: false })).message).toMatch(/base URL is not supported for provider "azure_openai"/);
  });

  test('cached and tracked like the OpenAI path: one HTTP call for two identical requests; usage and cost per role', async () => {
    const tracker = new UsageTracker(loadPrices());
    const coder: ChatModel = createModel(`anthropic:claude-haiku-4-5@${anthropic.baseURL}`, {}, { cacheDir: dir(), tracker });
    const user: ChatModel = createModel(`ollama:llama3.1:8b@${ollama.baseURL}`, {}, { cacheDir: dir(), tracker });
    await coder.generate(Q, { role: 'coder' });
    expect((await coder.generate(Q, { role: 'coder' })).cached).toBe(true);
    await user.generate(Q, { role: 'user' });
    expect(anthropic.count).toBe(1);
    expect(ollama.count).toBe(1);
    const usage = tracker.toJSON();
    const input = 7 + 'hello'.length;
    const output = 'echo: hello'.length;
    expect(usage.coder).toEqual({ calls: 2, cached_calls: 1, failed_calls: 0, input_tokens: 2 * input, output_tokens: 2 * output, estimated_calls: 0, cost_usd: (2 * input * 1 + 2 * output * 5) / 1e6,
      // The name the server put in its answer, also for the cached call.
      served_models: ['claude-haiku-4-5'] });
    expect(usage.user).toEqual({ calls: 1, cached_calls: 0, failed_calls: 0, input_tokens: 11 + 'hello'.length, output_tokens: output, estimated_calls: 0, served_models: ['llama3.1:8b'] });
  });

  test('a Gemini reasoner is priced from the google-genai entries', async () => {
    const tracker = new UsageTracker(loadPrices());
    const m = createModel(`google-genai:gemini-2.5-flash@${gemini.baseURL}`, {}, { cache: false, tracker });
    await m.generate(Q, { role: 'reasoner' });
    const input = 5 + 'hello'.length;
    const output = 'echo: hello'.length;
    expect(tracker.toJSON().reasoner).toEqual({ calls: 1, cached_calls: 0, failed_calls: 0, input_tokens: input, output_tokens: output, estimated_calls: 0, cost_usd: (input * 0.3 + output * 2.5) / 1e6 });
  });

  test('models on one endpoint share its concurrency slots, as on the OpenAI path', async () => {
    anthropic.okDelayMs = 100;
    const a = createModel(`anthropic:claude-haiku-4-5@${anthropic.baseURL}`, { concurrency: 2 }, { cache: false });
    const b = createModel(`anthropic:claude-sonnet-4-5@${anthropic.baseURL}`, { concurrency: 3 }, { cache: false });
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).generate([{ role: 'user', content: `q${i}` }], { role: i % 2 ? 'coder' : 'user' })));
    expect(anthropic.count).toBe(6);
    expect(anthropic.maxInFlight).toBe(2);
  });
});
