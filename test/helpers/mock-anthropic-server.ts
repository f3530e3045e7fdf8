import type { ServerResponse } from 'node:http';
import { MockChatServer, contentText, send, type VendorMode } from './mock-chat-server.js';

/**
 * A 127.0.0.1 server speaking the Anthropic Messages API (POST /v1/messages, non-streaming):
 * replies carry usage.input_tokens/output_tokens; errors use Anthropic's {type: "error", error} shape.
 */
export class MockAnthropicServer extends MockChatServer {
  protected readonly route = '/v1/messages';

  static start(): Promise<MockAnthropicServer> {
    return MockChatServer.listen(new MockAnthropicServer());
  }

  protected texts(body: Record<string, unknown>): string[] {
    const system = body.system === undefined ? [] : [contentText(body.system)];
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    return [...system, ...messages.map((m) => contentText(m.content))];
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const err = (status: number, type: string, message: string, headers: Record<string, string> = {}): void =>
      send(res, status, { type: 'error', error: { type, message } }, headers);
    switch (mode) {
      case 'ok':
      case 'no-usage': {
        const texts = this.texts(body);
        const text = this.answer(texts);
        const input = texts.reduce((n, t) => n + t.length, 0);
        send(res, 200, {
          id: 'msg_mock', type: 'message', role: 'assistant', model: body.model ?? 'mock',
          content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
          // Counts the tests can recompute: 7 + prompt characters in, answer characters out.
          ...(mode === 'ok' ? { usage: { input_tokens: 7 + input, output_tokens: text.length } } : {}),
        });
        return;
      }
      case '429':
        err(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', this.retryAfter === undefined ? {} : { 'retry-after': this.retryAfter });
        return;
      case '500':
        err(500, 'api_error', 'Internal server error');
        return;
      case '401':
        err(401, 'authentication_error', 'invalid x-api-key');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "msg_1", "content": [ {"ty');
        return;
      case 'empty':
        send(res, 200, { id: 'msg_empty', type: 'message', role: 'assistant', model: body.model ?? 'mock', stop_reason: 'end_turn' });
        return;
      default:
        err(400, 'invalid_request_error', `mock: mode ${mode} is not an Anthropic mode`);
    }
  }
}
