import type { ServerResponse } from 'node:http';
import { MockChatServer, type VendorMode } from './mock-chat-server.js';

/**
 * A 127.0.0.1 server speaking the Ollama chat API (POST /api/chat). With "stream": true (what
 * LangChain's ChatOllama sends) the answer is NDJSON: content chunks, then a "done" line carrying
 * prompt_eval_count/eval_count; with "stream": false one JSON object. Errors are {"error": "..."}.
 */
export class MockOllamaServer extends MockChatServer {
  protected readonly route = '/api/chat';
  protected readonly errors = {
    '429': { status: 429, payload: { error: 'too many requests' } },
    '500': { status: 500, payload: { error: 'llama runner process has terminated' } },
    '401': { status: 401, payload: { error: 'unauthorized' } },
  };
  protected readonly garbled = { contentType: 'application/x-ndjson', text: '{"model": "x", "message": {"role": "assis\n' };

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const model = typeof body.model === 'string' ? body.model : 'mock';
    const { text, input } = this.reply(body);
    const line = (content: string, done: boolean, counts: boolean): string =>
      JSON.stringify({
        model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done,
        ...(done ? { done_reason: 'stop', total_duration: 1000, ...(counts ? { prompt_eval_count: 11 + input, eval_count: text.length } : {}) } : {}),
      }) + '\n';
    const half = Math.ceil(text.length / 2);
    switch (mode) {
      case 'ok':
      case 'no-usage':
        if (body.stream === false) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(line(text, true, mode === 'ok'));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(line(text.slice(0, half), false, false));
        res.write(line(text.slice(half), false, false));
        res.end(line('', true, mode === 'ok'));
        return;
      case 'stall':
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(line(text.slice(0, half), false, false));
        this.later(this.slowMs, () => {
          if (!res.destroyed) res.end(line(text.slice(half), true, true));
        });
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end(line(text.slice(0, half), false, false));
        return;
      case 'empty':
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end('{"model": "x", "done": true}\n');
        return;
      default:
        this.unsupported(mode, res);
    }
  }
}
