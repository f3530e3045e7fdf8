import { describe, expect, test } from 'vitest';
import { classifyProviderError } from '../../src/models/failures.js';
import { replyText, replyUsage } from '../../src/models/reply.js';

const c = (err: unknown) => classifyProviderError(err, false, 1000);

describe('classifyProviderError: HTTP status wherever the SDK keeps it', () => {
  test.each([
    ['ollama ResponseError', Object.assign(new Error('too many requests'), { status_code: 429 }), 'RATE_LIMIT', 429, true],
    ['Mistral SDKError', Object.assign(new Error('Service unavailable'), { statusCode: 503 }), 'SERVER', 503, true],
    ['AWS ThrottlingException', Object.assign(new Error('Rate exceeded'), { $metadata: { httpStatusCode: 429 } }), 'RATE_LIMIT', 429, true],
    ['AWS AccessDenied', Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } }), 'AUTH', 403, false],
    ['Stainless APIError', Object.assign(new Error('overloaded'), { status: 529 }), 'SERVER', 529, true],
    ['a 400', Object.assign(new Error('bad request'), { statusCode: 400 }), 'CONFIG', 400, false],
    ['OpenAI context_length_exceeded', Object.assign(new Error('400 too long'), { status: 400, code: 'context_length_exceeded' }), 'CONTEXT_LENGTH', 400, false],
    ['vLLM overflow', Object.assign(new Error("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens"), { status: 400 }), 'CONTEXT_LENGTH', 400, false],
    ['Anthropic overflow', Object.assign(new Error('prompt is too long: 210000 tokens > 200000 maximum'), { status: 400 }), 'CONTEXT_LENGTH', 400, false],
  ] as const)('%s', (_name, err, code, status, retryable) => {
    expect(c(err)).toMatchObject({ code, status, retryable });
  });

  test('fetch failures are connection errors, with the socket code when there is one', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(c(new TypeError('fetch failed', { cause }))).toMatchObject({ code: 'CONNECTION', detail: 'fetch failed (ECONNREFUSED)' });
    expect(c(new Error('[GoogleGenerativeAI Error]: Error fetching from http://x: fetch failed'))).toMatchObject({ code: 'CONNECTION' });
  });

  test('our own bugs are not mistaken for provider answers; a timeout is a timeout', () => {
    expect(c(new ReferenceError('x is not defined'))).toBeUndefined();
    expect(c('a string')).toBeUndefined();
    expect(classifyProviderError(new Error('aborted'), true, 250)).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });
});

describe('replyUsage and replyText', () => {
  const M = [{ role: 'user' as const, content: 'abcdefgh' }];
  test('usage_metadata first, then each provider\'s own fields, else an estimate', () => {
    expect(replyUsage({ content: 'x', usage_metadata: { input_tokens: 3, output_tokens: 4 } }, M, 'x')).toEqual({ inputTokens: 3, outputTokens: 4 });
    expect(replyUsage({ content: 'x', response_metadata: { usage: { input_tokens: 5, output_tokens: 6 } } }, M, 'x')).toEqual({ inputTokens: 5, outputTokens: 6 });
    expect(replyUsage({ content: 'x', response_metadata: { prompt_eval_count: 7, eval_count: 8 } }, M, 'x')).toEqual({ inputTokens: 7, outputTokens: 8 });
    expect(replyUsage({ content: 'x', response_metadata: { usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 10 } } }, M, 'x')).toEqual({ inputTokens: 9, outputTokens: 10 });
    // ChatOllama's 0/0 for a server that sent no counts is not a count.
    expect(replyUsage({ content: 'xyz', usage_metadata: { input_tokens: 0, output_tokens: 0 } }, M, 'xyz')).toEqual({ inputTokens: 2, outputTokens: 1, estimated: true });
    expect(replyUsage({ content: '', usage_metadata: { input_tokens: 0, output_tokens: 0 } }, M, '')).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
  test('text from a string or from text blocks; anything else is not text', () => {
    expect(replyText('hi')).toBe('hi');
    expect(replyText([{ type: 'text', text: 'a' }, { type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'b' }])).toBe('ab');
    expect(replyText(undefined)).toBeUndefined();
  });
});
