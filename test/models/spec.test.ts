import { describe, expect, test } from 'vitest';
import { ModelParamsSchema, formatModelSpec, parseModelParams, parseModelSpec } from '../../src/models/spec.js';
import { UserError } from '../../src/util/errors.js';

describe('parseModelSpec', () => {
  test.each([
    ['openai:gpt-4o', { provider: 'openai', model: 'gpt-4o' }],
    ['openai:gpt-4o@https://proxy.example/v1/', { provider: 'openai', model: 'gpt-4o', baseURL: 'https://proxy.example/v1' }],
    ['vllm:deepseek-ai/deepseek-coder-6.7b-instruct@http://localhost:8000/v1', { provider: 'vllm', model: 'deepseek-ai/deepseek-coder-6.7b-instruct', baseURL: 'http://localhost:8000/v1' }],
    ['compat:my@model@http://127.0.0.1:8080', { provider: 'compat', model: 'my@model', baseURL: 'http://127.0.0.1:8080' }],
    ['vllm:qwen', { provider: 'vllm', model: 'qwen' }],
    ['offline', { provider: 'offline', skill: 0.5 }],
    ['offline:0.25', { provider: 'offline', skill: 0.25 }],
    ['offline:1', { provider: 'offline', skill: 1 }],
    [' offline:0 ', { provider: 'offline', skill: 0 }],
    // LangChain's own provider:model form; model names may hold ":" (ollama tags, Bedrock ids).
    ['anthropic:claude-sonnet-4-5', { provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['ollama:llama3.1:8b@http://127.0.0.1:11434/', { provider: 'ollama', model: 'llama3.1:8b', baseURL: 'http://127.0.0.1:11434' }],
    ['bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
    ['google-genai:gemini-2.5-pro', { provider: 'google-genai', model: 'gemini-2.5-pro' }],
  ])('%s', (spec, expected) => {
    expect(parseModelSpec(spec)).toEqual(expected);
  });

  test.each([
    ['', /empty spec/],
    ['gpt-4o', /unknown provider "gpt-4o"/],
    ['claude:sonnet', /unknown provider "claude" \(known: .*anthropic/],
    ['anthropic:', /model name is empty/],
    ['ollama:llama3@127.0.0.1:11434', /must start with http/],
    ['openai', /missing model name/],
    ['openai:', /model name is empty/],
    ['vllm:@http://localhost:8000', /model name is empty/],
    ['openai:gpt-4o@localhost:8000', /must start with http/],
    ['openai:gpt 4o', /whitespace/],
    ['offline:1.5', /skill must be in \[0,1\]/],
    ['offline:abc', /skill "abc" is not a number/],
    ['offline:', /skill "" is not a number/],
    ['offline:-0.1', /is not a number/],
  ])('rejects %j', (spec, why) => {
    let err: unknown;
    try {
      parseModelSpec(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(`"${spec}"`);
    expect((err as UserError).message).toMatch(why);
  });

  test('formats back to a canonical id', () => {
    expect(formatModelSpec(parseModelSpec('vllm:m@http://h:1/v1/'))).toBe('vllm:m@http://h:1/v1');
    expect(formatModelSpec(parseModelSpec('openai:gpt-4o'))).toBe('openai:gpt-4o');
    expect(formatModelSpec(parseModelSpec('offline'))).toBe('offline:0.5');
  });
});

describe('ModelParamsSchema', () => {
  test('fills defaults', () => {
    expect(ModelParamsSchema.parse({})).toEqual({ temperature: 0, maxTokens: 2048, timeoutMs: 60_000, maxRetries: 4, concurrency: 8 });
  });

  test('embeds in a larger schema', () => {
    const parsed = ModelParamsSchema.extend({}).parse({ temperature: 0.8, baseURL: 'http://localhost:8000/v1' });
    expect(parsed.temperature).toBe(0.8);
    expect(parsed.baseURL).toBe('http://localhost:8000/v1');
  });

  test('bad values are user errors naming the field', () => {
    expect(() => parseModelParams({ maxTokens: -1 })).toThrow(/"maxTokens"/);
    expect(() => parseModelParams({ maxTokens: -1 })).toThrow(UserError);
    expect(() => parseModelParams({ max_tokens: 5 } as never)).toThrow(/max_tokens/);
  });
});
