import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { answerCap, capAnswer } from './answer.js';
import { attemptFetch, currentAttemptSignal, withAttempts, type AttemptPolicy, type ClientOptions } from './attempts.js';
import { classifyProviderError } from './failures.js';
import { endpointLimiter } from './limiter.js';
import { PROVIDERS, missingPackageMessage, type UniversalProvider } from './providers.js';
import { replyText, replyUsage, servedName, type ReplyLike } from './reply.js';
import { ModelError, type ChatMessage, type ChatModel, type GenerateOptions, type Generation } from './types.js';

/** Sent to a stand-in server (a proxy or a test double) that wants some key but checks none. */
const DUMMY_API_KEY = 'no-key-required';

export interface UniversalModelOptions extends ClientOptions {
  provider: UniversalProvider;
  /** Identity for caches and reports, e.g. "anthropic:claude-sonnet-4-5". */
  id: string;
  /** Custom endpoint; unset means the provider's own default. */
  baseURL?: string;
}

/** Any chat model LangChain's initChatModel can build, with our retries, limiter, timeout and usage. */
export class UniversalChatModel implements ChatModel {
  readonly id: string;
  readonly synthetic = false;
  readonly provider: UniversalProvider;
  readonly model: string;
  readonly baseURL: string | undefined;
  private readonly apiKey: string | undefined;
  private readonly temperature: number;
  private readonly maxTokens: number;
  private readonly policy: AttemptPolicy;
  // One client per (temperature, maxTokens): providers take those at construction.
  private readonly clients = new Map<string, Promise<Pick<BaseChatModel, 'invoke'>>>();

  constructor(opts: UniversalModelOptions) {
    this.provider = opts.provider;
    this.model = opts.model;
    this.id = opts.id;
    this.baseURL = opts.baseURL;
    this.apiKey = opts.apiKey;
    this.temperature = opts.temperature ?? 0;
    this.maxTokens = opts.maxTokens ?? 2048;
    const info = PROVIDERS[opts.provider];
    this.policy = {
      id: this.id,
      timeoutMs: opts.timeoutMs ?? 60_000,
      maxRetries: opts.maxRetries ?? 4,
      backoffBaseMs: opts.backoffBaseMs ?? 1_000,
      backoffMaxMs: opts.backoffMaxMs ?? 30_000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
      limiter: opts.limiter ?? endpointLimiter(this.baseURL ?? info.defaultURL, opts.concurrency ?? 8),
    };
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    if (messages.length === 0) throw new ModelError('CONFIG', `${this.id}: no messages to send`, { attempts: 0 });
    const client = await this.client(opts.temperature ?? this.temperature, opts.maxTokens ?? this.maxTokens);
    // A prefill is sent as a final assistant message, which providers such as Anthropic continue.
    const sent = opts.prefill !== undefined ? [...messages, { role: 'assistant' as const, content: opts.prefill }] : messages;
    return withAttempts(this.policy, async (signal) => {
      const started = performance.now();
      const reply = (await client.invoke(
        sent.map((m) => ({ role: m.role, content: m.content })),
        { signal, ...(opts.stop?.length ? { stop: opts.stop } : {}) },
      )) as ReplyLike;
      const latencyMs = Math.round(performance.now() - started);
      const text = replyText(reply.content);
      if (text === undefined) throw new TypeError('reply content is not text');
      // As on the OpenAI path: an empty answer is a broken response (retried, never cached), a long one is cut.
      if (text === '') throw new EmptyAnswer('reply content is empty');
      const kept = capAnswer(text, answerCap(opts.maxTokens ?? this.maxTokens));
      const served = servedName(reply);
      return { text: kept, usage: replyUsage(reply, sent, text), latencyMs, cached: false, ...(served ? { servedModel: served } : {}) };
    }, classifyProviderError);
  }

  /** Builds (once) the provider's LangChain model; its package is imported here, on first use. */
  private client(temperature: number, maxTokens: number): Promise<Pick<BaseChatModel, 'invoke'>> {
    const key = `${temperature}|${maxTokens}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.build(temperature, maxTokens);
      client.catch(() => this.clients.delete(key)); // a later call may find the package installed or the key set
      this.clients.set(key, client);
    }
    return client;
  }

  private async build(temperature: number, maxTokens: number): Promise<Pick<BaseChatModel, 'invoke'>> {
    const info = PROVIDERS[this.provider];
    const fields: Record<string, unknown> = {
      modelProvider: this.provider,
      temperature,
      [info.maxTokensField]: maxTokens,
      maxRetries: 0, // retries are ours, so attempts, backoff and error codes are under our control
    };
    if (this.apiKey) fields.apiKey = this.apiKey;
    else if (this.baseURL && info.keyEnv.length && !info.keyEnv.some((n) => process.env[n])) fields.apiKey = DUMMY_API_KEY;
    if (this.baseURL && info.urlField) fields[info.urlField] = this.baseURL;
    if (info.fetchField === 'fetch') fields.fetch = attemptFetch;
    if (info.fetchField === 'clientOptions.fetch') fields.clientOptions = { fetch: attemptFetch };
    if (info.fetchField === 'global') abortGlobalFetchWithAttempts();
    try {
      const { initChatModel } = await import('langchain/chat_models/universal');
      return await initChatModel(this.model, fields);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/Unable to import|Cannot find (package|module)/i.test(message)) {
        throw new ModelError('CONFIG', `${this.id}: ${missingPackageMessage(this.provider, info.pkg)}`, { attempts: 0, cause: err });
      }
      const code = /api.?key|credential|auth/i.test(message) ? 'AUTH' : 'CONFIG';
      throw new ModelError(code, `${this.id}: cannot set up the ${this.provider} model: ${message.split('\n')[0]}`, { attempts: 0, cause: err });
    }
  }
}

class EmptyAnswer extends Error {}

let globalFetchWrapped = false;

/**
 * The Gemini SDK calls the global fetch and LangChain does not hand it the call's signal, so a
 * timed-out request kept its socket (and the process) alive for minutes. The global fetch is
 * wrapped once: inside a model attempt it also aborts with that attempt; elsewhere it is unchanged.
 */
function abortGlobalFetchWithAttempts(): void {
  if (globalFetchWrapped) return;
  globalFetchWrapped = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const mine = currentAttemptSignal();
    if (!mine) return original(input, init);
    const signal = init?.signal ? AbortSignal.any([mine, init.signal]) : mine;
    return original(input, { ...init, signal });
  };
}
