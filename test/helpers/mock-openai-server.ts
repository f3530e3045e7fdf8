import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one request. */
export type MockMode =
  | 'ok' // normal completion with usage
  | 'no-usage' // normal completion without a usage field
  | 'slow' // answers after slowMs (longer than the client's timeout)
  | '429' // rate limited, with Retry-After
  | '500' // server error
  | '401' // bad key
  | '400' // bad request
  | 'cut' // destroys the socket without answering
  | 'malformed' // 200 with a body that is not JSON
  | 'empty' // 200 JSON without choices
  | 'null-content'; // 200 completion whose message content is null

export interface MockRequest {
  path: string;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; [k: string]: unknown };
  headers: IncomingMessage['headers'];
}

/**
 * A tiny OpenAI-compatible chat completions server on 127.0.0.1 for tests. Answers follow the
 * script (one mode per request, in order), then `fallback`. It counts requests and the most
 * requests it ever had in flight at once.
 */
export class MockOpenAIServer {
  requests: MockRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  fallback: MockMode = 'ok';
  /** Delay before an 'ok' answer, to make concurrent requests overlap. */
  okDelayMs = 0;
  slowMs = 2_000;
  /** Answer text for an 'ok' request; default echoes the last message. */
  answer: (body: MockRequest['body']) => string = echoOf;
  /** Retry-After header value sent with 429 (seconds), or undefined for none. */
  retryAfter: string | undefined = '0';
  private script: MockMode[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<MockOpenAIServer> {
    const mock = new MockOpenAIServer();
    await new Promise<void>((resolve, reject) => {
      mock.server.once('error', reject);
      mock.server.listen(0, '127.0.0.1', () => resolve());
    });
    return mock;
  }

  /** Base URL in OpenAI client form (ends with /v1). */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  get count(): number {
    return this.requests.length;
  }

  /** Sets the answers of the next requests, in order; later ones get `fallback`. */
  plan(...modes: MockMode[]): this {
    this.script = [...modes];
    return this;
  }

  reset(): void {
    this.requests = [];
    this.script = [];
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.fallback = 'ok';
    this.okDelayMs = 0;
    this.slowMs = 2_000;
    this.retryAfter = '0';
    this.answer = echoOf;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: MockRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MockRequest['body'];
      } catch {
        // keep the empty body; the test sees it in `requests`
      }
      this.requests.push({ path, body, headers: req.headers });
      const mode = this.script.shift() ?? this.fallback;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let done = false;
      const finish = (): void => {
        if (!done) {
          done = true;
          this.inFlight--;
        }
      };
      res.on('close', finish); // also counts a client that gave up (timeout)
      this.respond(mode, body, res, finish);
    });
  }

  private respond(mode: MockMode, body: MockRequest['body'], res: ServerResponse, finish: () => void): void {
    switch (mode) {
      case 'ok':
      case 'no-usage':
        if (this.okDelayMs > 0) this.later(this.okDelayMs, () => send(res, 200, completion(body, mode === 'ok', this.answer)));
        else send(res, 200, completion(body, mode === 'ok', this.answer));
        return;
      case 'slow':
        this.later(this.slowMs, () => {
          if (!res.destroyed) send(res, 200, completion(body, true, this.answer));
        });
        return;
      case '429': {
        const headers: Record<string, string> = this.retryAfter === undefined ? {} : { 'retry-after': this.retryAfter };
        send(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, headers);
        return;
      }
      case '500':
        send(res, 500, { error: { message: 'The server had an error', type: 'server_error' } });
        return;
      case '401':
        send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
        return;
      case '400':
        send(res, 400, { error: { message: 'Invalid value for max_tokens', type: 'invalid_request_error' } });
        return;
      case 'cut':
        finish();
        res.socket?.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-1", "choices": [ {"mess');
        return;
      case 'null-content':
        send(res, 200, { id: 'chatcmpl-null', object: 'chat.completion', created: 0, model: body.model ?? 'mock', choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop', logprobs: null }] });
        return;
      case 'empty':
        send(res, 200, { id: 'chatcmpl-empty', object: 'chat.completion', created: 0, model: body.model ?? 'mock', choices: [] });
        return;
    }
  }
}

/** The answer text for a request: "echo: " + the last message's content. */
export function echoOf(body: MockRequest['body']): string {
  const last = body.messages?.[body.messages.length - 1];
  return `echo: ${last?.content ?? ''}`;
}

function completion(body: MockRequest['body'], withUsage: boolean, answer: (b: MockRequest['body']) => string = echoOf): unknown {
  const text = answer(body);
  const prompt = (body.messages ?? []).reduce((n, m) => n + m.content.length, 0);
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'mock',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
    ...(withUsage ? { usage: { prompt_tokens: 10 + prompt, completion_tokens: text.length, total_tokens: 10 + prompt + text.length } } : {}),
  };
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
