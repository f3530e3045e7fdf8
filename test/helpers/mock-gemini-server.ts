import type { ServerResponse } from 'node:http';
import { MockChatServer, type VendorMode } from './mock-chat-server.js';

type Content = { role?: string; parts?: Array<{ text?: unknown }> };

const error = (code: number, status: string, message: string) => ({ status: code, payload: { error: { code, message, status } } });

/**
 * A 127.0.0.1 server speaking the Gemini API's generateContent (POST /v1beta/models/<model>:generateContent):
 * replies carry usageMetadata.promptTokenCount/candidatesTokenCount; errors use Google's
 * {error: {code, message, status}} shape.
 */
export class MockGeminiServer extends MockChatServer {
  protected readonly route = /^\/v1(beta)?\/models\/[^/]+:generateContent$/;
  protected readonly errors = {
    '429': error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'),
    '500': error(500, 'INTERNAL', 'An internal error has occurred.'),
    '401': error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'),
  };
  protected readonly garbled = { contentType: 'application/json', text: '{"candidates": [ {"content": {"par' };

  protected override texts(body: Record<string, unknown>): string[] {
    const text = (c: Content | undefined): string => (c?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
    const system = body.systemInstruction ? [text(body.systemInstruction as Content)] : [];
    const contents = Array.isArray(body.contents) ? (body.contents as Content[]) : [];
    return [...system, ...contents.map(text)];
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    this.answerJson(mode, body, res, (text, input, usage) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      // Counts the tests can recompute: 5 + prompt characters in, answer characters out.
      ...(usage ? { usageMetadata: { promptTokenCount: 5 + input, candidatesTokenCount: text.length, totalTokenCount: 5 + input + text.length } } : {}),
      modelVersion: 'mock',
    }), { candidates: [], modelVersion: 'mock' });
  }
}
