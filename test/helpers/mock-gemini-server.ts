import type { ServerResponse } from 'node:http';
import { MockChatServer, send, type VendorMode } from './mock-chat-server.js';

type Content = { role?: string; parts?: Array<{ text?: unknown }> };

/**
 * A 127.0.0.1 server speaking the Gemini API's generateContent (POST /v1beta/models/<model>:generateContent):
 * replies carry usageMetadata.promptTokenCount/candidatesTokenCount; errors use Google's
 * {error: {code, message, status}} shape.
 */
export class MockGeminiServer extends MockChatServer {
  protected readonly route = /^\/v1(beta)?\/models\/[^/]+:generateContent$/;

  static start(): Promise<MockGeminiServer> {
    return MockChatServer.listen(new MockGeminiServer());
  }

  protected texts(body: Record<string, unknown>): string[] {
    const text = (c: Content | undefined): string => (c?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
    const system = body.systemInstruction ? [text(body.systemInstruction as Content)] : [];
    const contents = Array.isArray(body.contents) ? (body.contents as Content[]) : [];
    return [...system, ...contents.map(text)];
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const err = (code: number, status: string, message: string, headers: Record<string, string> = {}): void => send(res, code, { error: { code, message, status } }, headers);
    switch (mode) {
      case 'ok':
      case 'no-usage': {
        const texts = this.texts(body);
        const text = this.answer(texts);
        const input = texts.reduce((n, t) => n + t.length, 0);
        send(res, 200, {
          candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
          // Counts the tests can recompute: 5 + prompt characters in, answer characters out.
          ...(mode === 'ok' ? { usageMetadata: { promptTokenCount: 5 + input, candidatesTokenCount: text.length, totalTokenCount: 5 + input + text.length } } : {}),
          modelVersion: 'mock',
        });
        return;
      }
      case '429':
        err(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', this.retryAfter === undefined ? {} : { 'retry-after': this.retryAfter });
        return;
      case '500':
        err(500, 'INTERNAL', 'An internal error has occurred.');
        return;
      case '401':
        err(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"candidates": [ {"content": {"par');
        return;
      case 'empty':
        send(res, 200, { candidates: [], modelVersion: 'mock' });
        return;
      default:
        err(400, 'INVALID_ARGUMENT', `mock: mode ${mode} is not a Gemini mode`);
    }
  }
}
