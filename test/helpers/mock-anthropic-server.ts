import type { ServerResponse } from 'node:http';
import { MockChatServer, contentText, type VendorMode } from './mock-chat-server.js';

const error = (status: number, type: string, message: string) => ({ status, payload: { type: 'error', error: { type, message } } });

/**
 * A 127.0.0.1 server speaking the Anthropic Messages API (POST /v1/messages, non-streaming):
 * replies carry usage.input_tokens/output_tokens; errors use Anthropic's {type: "error", error} shape.
 */
export class MockAnthropicServer extends MockChatServer {
  protected readonly route = '/v1/messages';
  protected readonly errors = {
    '429': error(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'),
    '500': error(500, 'api_error', 'Internal server error'),
    '401': error(401, 'authentication_error', 'invalid x-api-key'),
  };
  protected readonly garbled = { contentType: 'application/json', text: '{"id": "msg_1", "content": [ {"ty' };

  protected override texts(body: Record<string, unknown>): string[] {
    const system = body.system === undefined ? [] : [contentText(body.system)];
    return [...system, ...super.texts(body)];
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const head = { type: 'message', role: 'assistant', model: body.model ?? 'mock' };
    this.answerJson(mode, body, res, (text, input, usage) => ({
      id: 'msg_mock', ...head, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
      // Counts the tests can recompute: 7 + prompt characters in, answer characters out.
      ...(usage ? { usage: { input_tokens: 7 + input, output_tokens: text.length } } : {}),
    }), { id: 'msg_empty', ...head, stop_reason: 'end_turn' });
  }
}
