import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** How a mock vendor server answers one request (each server maps these to its own wire format). */
export type VendorMode =
  | 'ok' // normal answer with token counts
  | 'no-usage' // normal answer without token counts
  | 'slow' // headers only after slowMs (longer than the client's timeout)
  | 'stall' // ollama: first chunk, then silence for slowMs
  | 'truncated' // ollama: a stream that ends without its "done" line
  | '429' // rate limited, with Retry-After
  | '500' // server error
  | '401' // bad key
  | 'cut' // destroys the socket without answering
  | 'malformed' // 200 with a body that is not JSON
  | 'empty' // 200 JSON without the answer part
  | '400' // openai: bad request
  | 'null-content' // openai: 200 completion whose message content is null
  | 'context-length'; // openai (vLLM's body): 400, the prompt is longer than the context window

/** A fault answered with a vendor's error body: the HTTP status and the JSON payload. */
export interface VendorError {
  status: number;
  payload: unknown;
}

export interface VendorRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

/**
 * Shared plumbing of the 127.0.0.1 test servers that speak a vendor's chat API: listening on a free
 * port, a script of modes (one per request, then `fallback`), request log, in-flight counts, and
 * the modes every vendor answers alike ('cut', 'slow', '429'/'500'/'401' from `errors`, 'malformed'
 * from `garbled`). Subclasses write the answers of the other modes.
 */
export abstract class MockChatServer {
  requests: VendorRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  fallback: VendorMode = 'ok';
  okDelayMs = 0;
  slowMs = 2_000;
  /** Answer text for an 'ok' request; default "echo: " + the last message's text. */
  answer: (texts: string[]) => string = (texts) => `echo: ${texts[texts.length - 1] ?? ''}`;
  retryAfter: string | undefined = '0';
  private script: VendorMode[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** A server of the calling subclass, listening: `await MockOllamaServer.start()`. */
  static start<T extends MockChatServer>(this: new () => T): Promise<T> {
    return new this().listen();
  }

  /** Listens on a free port of 127.0.0.1. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  /** http://127.0.0.1:<port>, the form both Anthropic's and Ollama's clients take. */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get count(): number {
    return this.requests.length;
  }

  plan(...modes: VendorMode[]): this {
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
    this.answer = (texts) => `echo: ${texts[texts.length - 1] ?? ''}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** The answer of an 'ok' request and the characters of its prompt (the mocks' token counts derive from them). */
  protected reply(body: Record<string, unknown>): { text: string; input: number } {
    const texts = this.texts(body);
    return { text: this.answer(texts), input: texts.reduce((n, t) => n + t.length, 0) };
  }

  /**
   * Answers 'ok' and 'no-usage' with the JSON `completion` of this.reply(body) (token counts only
   * for 'ok'), 'empty' with `empty`, and any other mode with `unsupported`.
   */
  protected answerJson(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse, completion: (text: string, input: number, usage: boolean) => unknown, empty: unknown): void {
    if (mode === 'ok' || mode === 'no-usage') {
      const { text, input } = this.reply(body);
      send(res, 200, completion(text, input, mode === 'ok'));
    } else if (mode === 'empty') send(res, 200, empty);
    else this.unsupported(mode, res);
  }

  /** A 400 for a mode this vendor's mock does not answer: a mistake in the test. */
  protected unsupported(mode: VendorMode, res: ServerResponse): void {
    send(res, 400, { error: `mock: ${this.constructor.name} does not answer mode ${mode}` });
  }

  /** The chat route of this vendor, e.g. "/v1/messages". */
  protected abstract readonly route: string | RegExp;
  /** This vendor's error answers to the modes '429' (sent with Retry-After), '500' and '401'. */
  protected abstract readonly errors: Record<'429' | '500' | '401', VendorError>;
  /** The 200 answer to 'malformed': a content type and a body cut short. */
  protected abstract readonly garbled: { contentType: string; text: string };
  /** Texts of the request's messages, in order (system prompt included); by default those of body.messages. */
  protected texts(body: Record<string, unknown>): string[] {
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    return messages.map((m) => contentText(m.content));
  }
  /** Answers a GET (a model list); false: 404 as for any unknown route. */
  protected answerGet(_path: string, _res: ServerResponse): boolean {
    return false;
  }
  /** Answers a chat request outside the script and the request log (a pre-flight probe, an unknown model); false: not taken. */
  protected intercept(_body: Record<string, unknown>, _res: ServerResponse): boolean {
    return false;
  }
  /** Answers the modes not answered here ('ok', 'no-usage', 'empty' and the vendor's own). */
  protected abstract respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void;

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const routed = typeof this.route === 'string' ? path === this.route : this.route.test(path);
    if (req.method === 'GET' && this.answerGet(path, res)) return;
    if (req.method !== 'POST' || !routed) {
      send(res, 404, { error: `no route ${req.method} ${path}` });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // keep the empty body; the test sees it in `requests`
      }
      if (this.intercept(body, res)) return;
      this.requests.push({ path, body, headers: req.headers });
      const mode = this.script.shift() ?? this.fallback;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let done = false;
      res.on('close', () => {
        if (!done) {
          done = true;
          this.inFlight--;
        }
      });
      if (mode === 'cut') {
        res.socket?.destroy();
        return;
      }
      if (mode === 'slow') {
        this.later(this.slowMs, () => this.respond('ok', body, res));
        return;
      }
      if ((mode === 'ok' || mode === 'no-usage') && this.okDelayMs > 0) {
        this.later(this.okDelayMs, () => this.respond(mode, body, res));
        return;
      }
      if (mode === '429' || mode === '500' || mode === '401') {
        const { status, payload } = this.errors[mode];
        send(res, status, payload, mode === '429' && this.retryAfter !== undefined ? { 'retry-after': this.retryAfter } : {});
        return;
      }
      if (mode === 'malformed') {
        res.writeHead(200, { 'content-type': this.garbled.contentType });
        res.end(this.garbled.text);
        return;
      }
      this.respond(mode, body, res);
    });
  }
}

export function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Text of a message content that is a string or a list of {type: "text", text} blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('');
  return '';
}

/**
 * Registers the hooks of a test file (or describe block) that shares mock servers: they listen
 * before all its tests, are reset before each, and close after all. Returns the servers.
 */
export function useMockServers<T extends MockChatServer[]>(...servers: T): T {
  beforeAll(async () => {
    await Promise.all(servers.map((s) => s.listen()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  beforeEach(() => {
    for (const s of servers) s.reset();
  });
  return servers;
}
