import { InfraError } from '../util/errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Who is speaking: the code model, the simulated user, or a single-turn reasoner. */
export type ModelRole = 'coder' | 'user' | 'reasoner';

export interface GenerateOptions {
  role: ModelRole;
  /** Which of n independent samples this call is; distinguishes cache entries (default 0). */
  sampleIndex?: number;
  temperature?: number;
  maxTokens?: number;
  stop?: string[];
  /**
   * Text the answer starts with (e.g. an opened code fence): the model continues it, and the
   * returned text is the continuation only. See docs/providers.md for how each path sends it.
   */
  prefill?: string;
  /** vllm: models only: this call's endpoint, overriding the model's `api` param (a prefill defaults to chat). */
  api?: ModelApi;
}

/** completions: the prompt as raw text to /v1/completions (no chat template); chat: /v1/chat/completions. */
export type ModelApi = 'completions' | 'chat';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Set when the server reported no usage and the counts are chars/4 estimates. */
  estimated?: true;
}

export interface Generation {
  text: string;
  usage: TokenUsage;
  latencyMs: number;
  /** True when served from the response cache (no model call was made). */
  cached: boolean;
  /** The model name the endpoint reported in its answer (e.g. a dated snapshot behind an alias). */
  servedModel?: string;
}

export interface ChatModel {
  /** Stable identity used in cache keys and reports, e.g. "openai:gpt-4o". */
  readonly id: string;
  /** Offline stand-in (deterministic, built with the tasks it answers); labelled synthetic in every output. */
  readonly synthetic: boolean;
  /** Version of a synthetic model's behaviour: cached answers of an older version are not reused. */
  readonly behaviour?: string;
  /** Endpoint of a vllm: model's calls without a prefill (part of cache keys: the two differ in what the model sees). */
  readonly api?: ModelApi;
  generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation>;
}

/** CONTEXT_LENGTH: the prompt does not fit the model's context window (a caller may shorten it and call again). */
export type ModelErrorCode = 'TIMEOUT' | 'RATE_LIMIT' | 'SERVER' | 'CONNECTION' | 'BAD_RESPONSE' | 'AUTH' | 'CONFIG' | 'CONTEXT_LENGTH';

/**
 * A model call that failed for good (after retries where retrying made sense). Extends InfraError
 * so the CLI prints it on one line without a stack.
 */
export class ModelError extends InfraError {
  declare readonly code: ModelErrorCode;
  /** Calls made before giving up (0 when the model could not even be set up). */
  readonly attempts: number;
  /** HTTP status of the last failed attempt, when there was one. */
  readonly status?: number;
  constructor(code: ModelErrorCode, message: string, options: { attempts: number; status?: number; cause?: unknown }) {
    super(code, message, { cause: options.cause });
    this.name = 'ModelError';
    this.attempts = options.attempts;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** The prompt did not fit the model's context window (after the call's own retries). */
export const isContextLengthError = (err: unknown): boolean => err instanceof ModelError && err.code === 'CONTEXT_LENGTH';
