import { ChatOpenAI } from '@langchain/openai';
import { answerCap, capAnswer } from './answer.js';
import { withAttempts, type ClientOptions } from './attempts.js';
import { endpointLimiter, type Semaphore } from './limiter.js';
import { RawCompletionClient, rawPrompt, wrapBareErrors } from './raw-completion.js';
import { ModelError, type ChatMessage, type ChatModel, type GenerateOptions, type Generation, type ModelApi, type ModelErrorCode, type TokenUsage } from './types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Sent to local OpenAI-compatible servers, which usually want some key but check none. */
const DUMMY_API_KEY = 'sk-no-key-required';

/** The API key defaults to OPENAI_API_KEY; a dummy key is used for servers other than api.openai.com. */
export interface OpenAIModelOptions extends ClientOptions {
  /** Identity for caches and reports (default "openai:<model>"). */
  id?: string;
  /** Default OPENAI_BASE_URL, then api.openai.com. */
  baseURL?: string;
  /** Endpoint of calls without a prefill (default chat). */
  api?: ModelApi;
  /** The server is vLLM: a prefilled chat call asks it to continue the final assistant message. */
  vllm?: boolean;
}

export interface Failure {
  code: ModelErrorCode;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  detail: string;
}

/**
 * One model behind the OpenAI API (OpenAI itself, vLLM, other compatible servers): chat completions,
 * or raw text to /v1/completions (no chat template) when `api` is completions.
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  readonly synthetic = false;
  readonly model: string;
  readonly baseURL: string;
  readonly api: ModelApi;
  private readonly vllm: boolean;
  private raw: RawCompletionClient | undefined;
  /** Bearer token of every request (the pre-flight's too). */
  readonly apiKey: string;
  private readonly temperature: number;
  private readonly maxTokens: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly limiter: Semaphore;
  // One client per (temperature, maxTokens): LangChain takes those at construction only.
  private readonly clients = new Map<string, ChatOpenAI>();

  constructor(opts: OpenAIModelOptions) {
    this.model = opts.model;
    this.id = opts.id ?? `openai:${opts.model}`;
    this.baseURL = (opts.baseURL ?? (process.env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL)).replace(/\/+$/, '');
    const key = opts.apiKey ?? process.env.OPENAI_API_KEY;
    if (!key && isOfficialEndpoint(this.baseURL)) {
      throw new ModelError('AUTH', `${this.id}: no API key (set OPENAI_API_KEY or pass apiKey)`, { attempts: 0 });
    }
    this.apiKey = key || DUMMY_API_KEY;
    this.api = opts.api ?? 'chat';
    this.vllm = opts.vllm ?? false;
    this.temperature = opts.temperature ?? 0;
    this.maxTokens = opts.maxTokens ?? 2048;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxRetries = opts.maxRetries ?? 4;
    this.backoffBaseMs = opts.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 30_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.limiter = opts.limiter ?? endpointLimiter(this.baseURL, opts.concurrency ?? 8);
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    if (messages.length === 0) throw new ModelError('CONFIG', `${this.id}: no messages to send`, { attempts: 0 });
    const temperature = opts.temperature ?? this.temperature;
    const maxTokens = opts.maxTokens ?? this.maxTokens;
    const policy = {
      id: this.id, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries, backoffBaseMs: this.backoffBaseMs,
      backoffMaxMs: this.backoffMaxMs, maxRetryAfterMs: this.maxRetryAfterMs, limiter: this.limiter,
    };
    // A prefill continues an assistant turn of the chat template, so it goes to chat unless the call says otherwise.
    const api = opts.api ?? (opts.prefill !== undefined ? 'chat' : this.api);
    if (api === 'completions') {
      const raw = (this.raw ??= new RawCompletionClient({ id: this.id, model: this.model, apiKey: this.apiKey, baseURL: this.baseURL }));
      const prompt = rawPrompt(messages, opts.prefill);
      return withAttempts(policy, async (signal) => {
        const started = performance.now();
        const reply = await raw.complete({ model: this.model, prompt, temperature, maxTokens, ...(opts.stop?.length ? { stop: opts.stop } : {}) }, signal);
        const latencyMs = Math.round(performance.now() - started);
        if (reply.text === undefined) throw new BadResponse('completion has no text');
        if (reply.text === '') throw new BadResponse('completion text is empty');
        const text = capAnswer(reply.text, answerCap(maxTokens));
        const usage = reply.usage ?? { ...estimateUsage([{ role: 'user', content: prompt }], reply.text), estimated: true as const };
        return { text, usage, latencyMs, cached: false, ...(reply.served ? { servedModel: reply.served } : {}) };
      });
    }
    const prefilled = opts.prefill !== undefined;
    const client = this.client(temperature, maxTokens, prefilled && this.vllm);
    const sent = prefilled ? [...messages, { role: 'assistant' as const, content: opts.prefill! }] : messages;
    return withAttempts(policy, async (signal) => {
      const started = performance.now();
      const reply = await client.invoke(
        sent.map((m) => ({ role: m.role, content: m.content })),
        { signal, ...(opts.stop?.length ? { stop: opts.stop } : {}) },
      );
      const latencyMs = Math.round(performance.now() - started);
      const text = textOf(reply.content);
      if (text === undefined) throw new BadResponse('reply content is not text');
      // A 200 with null or empty content is a broken answer, not the model's: retried, never cached.
      if (text === '') throw new BadResponse('reply content is null or empty');
      const kept = capAnswer(text, answerCap(maxTokens));
      const served = reply.response_metadata?.model_name;
      return { text: kept, usage: usageOf(reply, sent, text), latencyMs, cached: false, ...(typeof served === 'string' && served ? { servedModel: served } : {}) };
    });
  }

  /** `continueFinal`: vLLM continues the last (assistant) message instead of opening a new turn. */
  private client(temperature: number, maxTokens: number, continueFinal: boolean): ChatOpenAI {
    const key = `${temperature}|${maxTokens}|${continueFinal}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new ChatOpenAI({
        model: this.model,
        apiKey: this.apiKey,
        temperature,
        maxTokens,
        maxRetries: 0, // retries are ours, so attempts, backoff and error codes are under our control
        streaming: false,
        configuration: { baseURL: this.baseURL, fetch: wrapBareErrors },
        ...(continueFinal ? { modelKwargs: { continue_final_message: true, add_generation_prompt: false } } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}

class BadResponse extends Error {}

function isOfficialEndpoint(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname.endsWith('api.openai.com');
  } catch {
    return false;
  }
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

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  // Content blocks: keep the text ones.
  return content
    .map((b: unknown) => (typeof b === 'string' ? b : b && typeof b === 'object' && (b as { type?: unknown }).type === 'text' ? String((b as { text?: unknown }).text ?? '') : ''))
    .join('');
}

type Reply = { usage_metadata?: { input_tokens?: number; output_tokens?: number }; response_metadata?: Record<string, unknown> };

/** Server-reported usage, else a chars/4 estimate marked as such. */
function usageOf(reply: Reply, messages: ChatMessage[], text: string): TokenUsage {
  const meta = reply.usage_metadata;
  if (isCount(meta?.input_tokens) && isCount(meta?.output_tokens)) return { inputTokens: meta.input_tokens, outputTokens: meta.output_tokens };
  const tu = reply.response_metadata?.tokenUsage as { promptTokens?: number; completionTokens?: number } | undefined;
  if (isCount(tu?.promptTokens) && isCount(tu?.completionTokens)) return { inputTokens: tu.promptTokens, outputTokens: tu.completionTokens };
  return { ...estimateUsage(messages, text), estimated: true };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/** Rough token counts (4 characters per token). */
export function estimateUsage(messages: ChatMessage[], text: string): { inputTokens: number; outputTokens: number } {
  const input = messages.reduce((n, m) => n + m.content.length, 0);
  return { inputTokens: Math.ceil(input / 4), outputTokens: Math.ceil(text.length / 4) };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
