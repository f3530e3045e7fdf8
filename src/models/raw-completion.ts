import { OpenAI } from '@langchain/openai';
import type { ChatMessage, TokenUsage } from './types.js';
import { ModelError } from './types.js';

/** The text a completions endpoint continues: the messages' texts (one user message: its text as it is), then the prefill. */
export function rawPrompt(messages: ChatMessage[], prefill = ''): string {
  // A conversation has no raw form without the model's chat template: its texts are joined by a blank line.
  return messages.map((m) => m.content).join('\n\n') + prefill;
}

/** What a /v1/completions call takes and gives back, in our terms. */
export interface RawRequest {
  model: string;
  prompt: string;
  temperature: number;
  maxTokens: number;
  stop?: string[];
}

export interface RawReply {
  text: string | undefined;
  /** The model name the server reported. */
  served?: string;
  usage?: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>;
}

/**
 * One request to an OpenAI-compatible /v1/completions endpoint through LangChain's OpenAI client
 * (no retries of its own: the caller's attempt loop retries, and its errors classify like chat ones).
 */
export class RawCompletionClient {
  private readonly llm: OpenAI;

  constructor(opts: { id: string; model: string; apiKey: string; baseURL: string }) {
    try {
      this.llm = new OpenAI({ model: opts.model, apiKey: opts.apiKey, maxRetries: 0, streaming: false, configuration: { baseURL: opts.baseURL, fetch: wrapBareErrors } });
    } catch (err) {
      throw new ModelError('CONFIG', `${opts.id}: cannot set up the completions client: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { attempts: 0, cause: err });
    }
  }

  async complete(req: RawRequest, signal: AbortSignal): Promise<RawReply> {
    const data = await this.llm.completionWithRetry({
      model: req.model, prompt: req.prompt, temperature: req.temperature, max_tokens: req.maxTokens, stream: false,
      ...(req.stop?.length ? { stop: req.stop } : {}),
    }, { signal });
    const choice = (data as { choices?: Array<{ text?: unknown }> }).choices?.[0];
    const u = data.usage;
    return {
      text: typeof choice?.text === 'string' ? choice.text : undefined,
      ...(typeof data.model === 'string' && data.model ? { served: data.model } : {}),
      ...(u && isCount(u.prompt_tokens) && isCount(u.completion_tokens) ? { usage: { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens } } : {}),
    };
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/**
 * A fetch for OpenAI-compatible servers: an error body that is a bare object with a message
 * (vLLM's `{"object": "error", "message": ...}`) is wrapped as `{"error": {...}}`, the shape the
 * OpenAI SDK reads; without it the SDK drops the message, and a context overflow looks like any 400.
 */
export const wrapBareErrors: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res;
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  }
  const bare = !!body && typeof body === 'object' && !('error' in body) && typeof (body as { message?: unknown }).message === 'string';
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(bare ? JSON.stringify({ error: body }) : text, { status: res.status, statusText: res.statusText, headers });
};
