import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  | 'empty'; // 200 JSON without the answer part

export interface VendorRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

/**
 * Shared plumbing of the 127.0.0.1 test servers that speak a vendor's chat API: a script of modes
 * (one per request, then `fallback`), request log, and in-flight counts. Subclasses write replies.
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

  protected constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  protected static async listen<T extends MockChatServer>(mock: T): Promise<T> {
    await new Promise<void>((resolve, reject) => {
      mock.server.once('error', reject);
      mock.server.listen(0, '127.0.0.1', () => resolve());
    });
    return mock;
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

  /** The chat route of this vendor, e.g. "/v1/messages". */
  protected abstract readonly route: string | RegExp;
  /** Texts of the request's messages, in order (system prompt included). */
  protected abstract texts(body: Record<string, unknown>): string[];
  protected abstract respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void;

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const routed = typeof this.route === 'string' ? path === this.route : this.route.test(path);
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
      if (mode === 'ok' && this.okDelayMs > 0) {
        this.later(this.okDelayMs, () => this.respond('ok', body, res));
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
