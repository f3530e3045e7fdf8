import { classify, retryAfterOf, type Failure } from './classify.js';

/**
 * Sorts an error from any LangChain provider into our codes. Stainless-style SDKs (Anthropic, Groq,
 * OpenAI) carry `status` and are handled by the OpenAI classifier; the others put the HTTP status
 * elsewhere (ollama: status_code, Mistral: statusCode, AWS: $metadata.httpStatusCode).
 */
export function classifyProviderError(err: unknown, timedOut: boolean, timeoutMs: number): Failure | undefined {
  if (timedOut) return classify(err, true, timeoutMs);
  if (err instanceof ReferenceError || err instanceof RangeError) return undefined; // our bug, not the provider's answer
  if (err && typeof err === 'object') {
    const e = err as { message?: string; status_code?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown }; response?: { status?: unknown; headers?: unknown }; cause?: unknown };
    const status = [e.status_code, e.statusCode, e.$metadata?.httpStatusCode, e.response?.status].find((s) => typeof s === 'number');
    if (typeof status === 'number' && typeof (err as { status?: unknown }).status !== 'number') {
      const withStatus = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as object, err, { status, headers: e.response?.headers });
      return classify(withStatus, false, timeoutMs);
    }
    // Node's fetch: TypeError("fetch failed") whose cause has the socket error code; Google's SDK
    // rewraps it as "Error fetching from <url>: fetch failed" without the cause.
    if (err instanceof Error && /fetch failed/i.test(e.message ?? '')) {
      const code = (e.cause as { code?: unknown } | undefined)?.code;
      return { code: 'CONNECTION', retryable: true, detail: `${firstLine(e.message ?? '')}${typeof code === 'string' ? ` (${code})` : ''}` };
    }
  }
  const known = classify(err, false, timeoutMs);
  if (known) return known;
  // Any other error raised inside a provider SDK: its wording is the SDK's (e.g. ollama's "Did not
  // receive done or success response in stream"), so it is recorded as a bad response.
  if (err instanceof Error) {
    const retryAfterMs = retryAfterOf((err as { headers?: unknown }).headers);
    return { code: 'BAD_RESPONSE', retryable: true, detail: `malformed response (${firstLine(err.message) || err.name})`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
