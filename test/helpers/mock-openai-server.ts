import type { ServerResponse } from 'node:http';
import { MockChatServer, send, type VendorMode } from './mock-chat-server.js';

/** How the server answers one request (every mode but Ollama's 'stall' and 'truncated'). */
export type MockMode = VendorMode;

const error = (status: number, message: string, type: string, code?: string) => ({ status, payload: { error: { message, type, ...(code ? { code } : {}) } } });

/**
 * A tiny OpenAI-compatible chat completions server on 127.0.0.1 for tests. Answers follow the
 * script (one mode per request, in order), then `fallback`. It counts requests and the most
 * requests it ever had in flight at once.
 */
export class MockOpenAIServer extends MockChatServer {
  protected readonly route = /^(\/v1)?\/chat\/completions$/;
  protected readonly errors = {
    '429': error(429, 'Rate limit reached', 'requests', 'rate_limit_exceeded'),
    '500': error(500, 'The server had an error', 'server_error'),
    '401': error(401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
  };
  protected readonly garbled = { contentType: 'application/json', text: '{"id": "chatcmpl-1", "choices": [ {"mess' };

  /** Base URL in OpenAI client form (ends with /v1). */
  override get baseURL(): string {
    return `${super.baseURL}/v1`;
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const head = { object: 'chat.completion', model: body.model ?? 'mock' };
    const choice = (content: string | null) => ({ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null });
    if (mode === 'null-content') send(res, 200, { id: 'chatcmpl-null', ...head, created: 0, choices: [choice(null)] });
    else if (mode === '400') send(res, 400, error(400, 'Invalid value for max_tokens', 'invalid_request_error').payload);
    else this.answerJson(mode, body, res, (text, input, usage) => ({
      id: 'chatcmpl-mock', ...head, created: Math.floor(Date.now() / 1000), choices: [choice(text)],
      ...(usage ? { usage: { prompt_tokens: 10 + input, completion_tokens: text.length, total_tokens: 10 + input + text.length } } : {}),
    }), { id: 'chatcmpl-empty', ...head, created: 0, choices: [] });
  }
}
