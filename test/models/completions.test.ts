/** The raw-text completions path of vllm: models, prefills, the served model name and context overflow, over HTTP. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createModel } from '../../src/models/factory.js';
import { ModelError, type ChatMessage } from '../../src/models/types.js';
import { UsageTracker } from '../../src/models/usage.js';
import { UserError } from '../../src/util/errors.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const [server] = useMockServers(new MockOpenAIServer());
const PROMPT = 'Fix it.\n\n---\n\nInput: x\n\nReasoning: Let\'s think step by step in order to';
const ONE: ChatMessage[] = [{ role: 'user', content: PROMPT }];
const KNOBS = { openai: { backoffBaseMs: 1 } };

const vllm = (params: Record<string, unknown> = {}, deps: Record<string, unknown> = {}) =>
  createModel(`vllm:org/coder-7b@${server.baseURL}`, { maxRetries: 1, ...params }, { cache: false, ...KNOBS, ...deps });

describe('vllm: raw text to /v1/completions by default', () => {
  test('the prompt is sent as it is, with stop, max_tokens and temperature 0', async () => {
    const gen = await vllm().generate(ONE, { role: 'coder', stop: ['\n\n---\n\n'] });
    expect(server.requests[0]!.path).toBe('/v1/completions');
    expect(server.requests[0]!.body).toEqual({
      model: 'org/coder-7b', prompt: PROMPT, temperature: 0, max_tokens: 2048, stop: ['\n\n---\n\n'], stream: false,
    });
    expect(gen.text).toBe(`echo: ${PROMPT}`);
    expect(gen.usage).toEqual({ inputTokens: 10 + PROMPT.length, outputTokens: gen.text.length });
    expect(gen.servedModel).toBe('org/coder-7b');
  });

  test('per-call maxTokens and temperature reach the body', async () => {
    await vllm().generate(ONE, { role: 'user', maxTokens: 1024, temperature: 0.2 });
    expect(server.requests[0]!.body).toMatchObject({ max_tokens: 1024, temperature: 0.2 });
    expect(server.requests[0]!.body.stop).toBeUndefined();
  });

  test('params api: chat sends the prompt as one user message', async () => {
    await vllm({ api: 'chat' }).generate(ONE, { role: 'coder', stop: ['\n\n---\n\n'] });
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.body).toMatchObject({ model: 'org/coder-7b', temperature: 0, max_tokens: 2048, stop: ['\n\n---\n\n'] });
    expect(server.requests[0]!.body.messages).toEqual([{ role: 'user', content: PROMPT }]);
    expect(server.requests[0]!.body.continue_final_message).toBeUndefined();
  });

  test('a prefill goes to chat with continue_final_message; the answer is the continuation', async () => {
    server.answer = () => 'def task_func():\n    return 1\n';
    const gen = await vllm().generate(ONE, { role: 'coder', maxTokens: 1280, prefill: '```python\n', stop: ['```'] });
    const { path, body } = server.requests[0]!;
    expect(path).toBe('/v1/chat/completions');
    expect(body.messages).toEqual([{ role: 'user', content: PROMPT }, { role: 'assistant', content: '```python\n' }]);
    expect(body).toMatchObject({ continue_final_message: true, add_generation_prompt: false, max_tokens: 1280, stop: ['```'] });
    expect(gen.text).toBe('def task_func():\n    return 1\n');
  });

  test('compat: stays on chat by default; a prefill is a final assistant message without the vLLM fields', async () => {
    const m = createModel(`compat:m@${server.baseURL}`, {}, { cache: false });
    await m.generate(ONE, { role: 'coder', prefill: 'x' });
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.body.messages).toEqual([{ role: 'user', content: PROMPT }, { role: 'assistant', content: 'x' }]);
    expect(server.requests[0]!.body.continue_final_message).toBeUndefined();
  });

  test('a prefill on the completions path is appended to the prompt text', async () => {
    await vllm().generate(ONE, { role: 'coder', prefill: '```python\n', api: 'completions' });
    expect(server.requests[0]!.body.prompt).toBe(`${PROMPT}\`\`\`python\n`);
  });

  test('several messages are joined by a blank line on the completions path', async () => {
    await vllm().generate([{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }], { role: 'coder' });
    expect(server.requests[0]!.body.prompt).toBe('a\n\nb\n\nc');
  });

  test('a context overflow (vLLM 400 body) is CONTEXT_LENGTH at once, on both paths', async () => {
    for (const api of ['completions', 'chat'] as const) {
      server.reset();
      server.plan('context-length');
      const err = await vllm({ api }).generate(ONE, { role: 'coder' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).code).toBe('CONTEXT_LENGTH');
      expect(server.count).toBe(1);
    }
  });

  test('an empty or missing completion text is a bad response, retried', async () => {
    server.plan('null-content');
    const gen = await vllm().generate(ONE, { role: 'coder' });
    expect(server.count).toBe(2);
    expect(gen.text).toBe(`echo: ${PROMPT}`);
  });

  test('api is validated: a value outside completions|chat, or api on openai:, is a user error', () => {
    expect(() => vllm({ api: 'raw' })).toThrow(UserError);
    expect(() => createModel(`openai:gpt-4o@${server.baseURL}`, { api: 'completions', apiKey: 'k' }, { cache: false })).toThrow(/applies to vllm/);
  });
});

describe('the served model name', () => {
  test('is the model field of the answer, recorded per role and kept through the cache', async () => {
    server.served = 'gpt-4o-2024-05-13';
    const tracker = new UsageTracker();
    const cacheDir = mkdtempSync(join(tmpdir(), 'served-'));
    const user = createModel(`openai:gpt-4o@${server.baseURL}`, { apiKey: 'k' }, { cacheDir, tracker, ...KNOBS });
    const first = await user.generate(ONE, { role: 'user' });
    const again = await user.generate(ONE, { role: 'user' });
    expect(first.servedModel).toBe('gpt-4o-2024-05-13');
    expect(again.cached).toBe(true);
    expect(again.servedModel).toBe('gpt-4o-2024-05-13');
    expect(server.count).toBe(1);
    expect(tracker.servedModels('user')).toEqual(['gpt-4o-2024-05-13']);
    expect(tracker.toJSON().user!.served_models).toEqual(['gpt-4o-2024-05-13']);
  });

  test('raw text and chat answers of one model never share a cache entry', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'api-'));
    await vllm({}, { cacheDir, cache: true }).generate(ONE, { role: 'coder' });
    await vllm({ api: 'chat' }, { cacheDir, cache: true }).generate(ONE, { role: 'coder' });
    await vllm({}, { cacheDir, cache: true }).generate(ONE, { role: 'coder', prefill: 'x' });
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/completions', '/v1/chat/completions', '/v1/chat/completions']);
  });
});
