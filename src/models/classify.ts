import type { ModelErrorCode } from './types.js';

/** A reply without usable text (retryable: a sampled answer may be fine next time). */
export class BadResponse extends Error {}

/** How one failed call is handled: its code, whether a retry may help, and what to say. */
export interface Failure {
  code: ModelErrorCode;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  detail: string;
}

/** Sorts an error from LangChain/the OpenAI SDK into our codes; undefined for unknown errors. */
export function classify(err: unknown, timedOut: boolean, timeoutMs: number): Failure | undefined {
  if (timedOut) return { code: 'TIMEOUT', retryable: true, detail: `no answer within ${timeoutMs} ms` };
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: string; message?: string; status?: unknown; code?: unknown; headers?: unknown; cause?: unknown };
  const kind = e.constructor?.name ?? '';
  const detail = firstLine(e.message ?? String(err));
  if (kind === 'APIConnectionTimeoutError' || e.name === 'TimeoutError') return { code: 'TIMEOUT', retryable: true, detail };
  // LangChain rewraps an overflow answer as ContextOverflowError, without the status (kept on its cause).
  if (e.name === 'ContextOverflowError') {
    const status = (e.cause as { status?: unknown } | undefined)?.status;
    return { code: 'CONTEXT_LENGTH', retryable: false, ...(typeof status === 'number' ? { status } : {}), detail };
  }
  if (typeof e.status === 'number') {
    const status = e.status;
    if (status === 429) {
      // An exhausted quota does not come back by waiting.
      if (e.code === 'insufficient_quota') return { code: 'RATE_LIMIT', retryable: false, status, detail };
      const retryAfterMs = retryAfterOf(e.headers);
      return { code: 'RATE_LIMIT', retryable: true, status, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    if (status === 401 || status === 403) return { code: 'AUTH', retryable: false, status, detail };
    if (status === 408) return { code: 'TIMEOUT', retryable: true, status, detail };
    if ((status === 400 || status === 413) && isContextOverflow(e.code, e.message)) return { code: 'CONTEXT_LENGTH', retryable: false, status, detail };
    if (status === 409 || status >= 500) {
      const retryAfterMs = retryAfterOf(e.headers);
      return { code: 'SERVER', retryable: true, status, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { code: 'CONFIG', retryable: false, status, detail };
  }
  if (kind === 'APIConnectionError') return { code: 'CONNECTION', retryable: true, detail: connectionDetail(e) };
  if (e.name === 'AbortError') return { code: 'TIMEOUT', retryable: true, detail };
  // A body that is not JSON (SyntaxError), or JSON without the expected shape (LangChain then trips
  // over it with a TypeError), or content that is not text.
  if (err instanceof SyntaxError || err instanceof TypeError || err instanceof BadResponse) {
    return { code: 'BAD_RESPONSE', retryable: true, detail: `malformed response (${detail})` };
  }
  return undefined;
}

/**
 * A prompt longer than the context window: OpenAI's code, or the wording of vLLM, Anthropic, Gemini
 * and Ollama-style servers, which answer 400 (413 for some proxies) with a message only.
 */
const OVERFLOW = /context[_ ]length|maximum context|context window|prompt is too long|too many (input )?tokens|input is too long|exceeds the (model'?s )?(maximum|max)/i;
export function isContextOverflow(code: unknown, message: string | undefined): boolean {
  return code === 'context_length_exceeded' || OVERFLOW.test(message ?? '');
}

function connectionDetail(e: { message?: string; cause?: unknown }): string {
  // fetch wraps the socket error twice: APIConnectionError -> TypeError("fetch failed") -> cause with a code.
  let c: unknown = e.cause;
  for (let i = 0; i < 3 && c && typeof c === 'object'; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return `${firstLine(e.message ?? 'connection error')} (${code})`;
    c = (c as { cause?: unknown }).cause;
  }
  return firstLine(e.message ?? 'connection error');
}

/** Reads retry-after-ms (OpenAI) or Retry-After (seconds or HTTP date). */
export function retryAfterOf(headers: unknown): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
    if (typeof h.get === 'function') return h.get(name);
    const v = h[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1_000 : undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function describe(f: Failure): string {
  const status = f.status !== undefined ? ` (HTTP ${f.status})` : '';
  switch (f.code) {
    case 'TIMEOUT':
      return `timed out${status}`;
    case 'RATE_LIMIT':
      return `rate limited${status}`;
    case 'SERVER':
      return `server error${status}`;
    case 'CONNECTION':
      return 'connection failed';
    case 'BAD_RESPONSE':
      return 'bad response';
    case 'AUTH':
      return `not authorized${status}`;
    case 'CONFIG':
      return `request rejected${status}`;
    case 'CONTEXT_LENGTH':
      return `prompt too long for the context window${status}`;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
