import type { ServerResponse } from 'node:http';
import { MockChatServer, contentText, send, type VendorMode } from './mock-chat-server.js';

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

  static start(): Promise<MockAnthropicServer> {
    return new MockAnthropicServer().listen();
  }

  protected texts(body: Record<string, unknown>): string[] {
    const system = body.system === undefined ? [] : [contentText(body.system)];
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    return [...system, ...messages.map((m) => contentText(m.content))];
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    switch (mode) {
      case 'ok':
      case 'no-usage': {
        const { text, input } = this.reply(body);
        send(res, 200, {
          id: 'msg_mock', type: 'message', role: 'assistant', model: body.model ?? 'mock',
          content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
          // Counts the tests can recompute: 7 + prompt characters in, answer characters out.
          ...(mode === 'ok' ? { usage: { input_tokens: 7 + input, output_tokens: text.length } } : {}),
        });
        return;
      }
      case 'empty':
        send(res, 200, { id: 'msg_empty', type: 'message', role: 'assistant', model: body.model ?? 'mock', stop_reason: 'end_turn' });
        return;
      default: {
        const { status, payload } = error(400, 'invalid_request_error', `mock: mode ${mode} is not an Anthropic mode`);
        send(res, status, payload);
      }
    }
  }
}
