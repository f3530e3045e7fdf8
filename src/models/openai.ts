import { ChatOpenAI } from '@langchain/openai';
import { answerCap, capAnswer } from './answer.js';
import { withAttempts, type ClientOptions } from './attempts.js';
import { endpointLimiter, type Semaphore } from './limiter.js';
import { BadResponse } from './classify.js';
import { RawCompletionClient, rawPrompt, wrapBareErrors } from './raw-completion.js';
import { ModelError, type ChatMessage, type ChatModel, type GenerateOptions, type Generation, type ModelApi, type TokenUsage } from './types.js';

export { classify, describe, isContextOverflow, retryAfterOf, type Failure } from './classify.js';

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


function isOfficialEndpoint(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname.endsWith('api.openai.com');
  } catch {
    return false;
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
