import { estimateUsage } from './openai.js';
import type { ChatMessage, TokenUsage } from './types.js';

/** The parts of a LangChain AIMessage we read, whichever provider made it. */
export interface ReplyLike {
  content: unknown;
  usage_metadata?: { input_tokens?: number; output_tokens?: number };
  response_metadata?: Record<string, unknown>;
}

/** Text of a reply: a string, or the text blocks of a content array; undefined when neither. */
export function replyText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((b: unknown) => (typeof b === 'string' ? b : isObj(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .join('');
}

/**
 * Token counts reported by the server: LangChain's usage_metadata first, then each provider's own
 * fields (Anthropic usage.input_tokens, Ollama prompt_eval_count/eval_count, Gemini usageMetadata,
 * OpenAI-style tokenUsage). Without any, a chars/4 estimate marked as such.
 */
export function replyUsage(reply: ReplyLike, messages: ChatMessage[], text: string): TokenUsage {
  const candidates: Array<[unknown, unknown]> = [];
  const m = reply.response_metadata ?? {};
  const u = reply.usage_metadata;
  if (u) candidates.push([u.input_tokens, u.output_tokens]);
  if (isObj(m.usage)) candidates.push([m.usage.input_tokens ?? m.usage.prompt_tokens, m.usage.output_tokens ?? m.usage.completion_tokens]);
  candidates.push([m.prompt_eval_count, m.eval_count]);
  if (isObj(m.usageMetadata)) candidates.push([m.usageMetadata.promptTokenCount, m.usageMetadata.candidatesTokenCount]);
  if (isObj(m.tokenUsage)) candidates.push([m.tokenUsage.promptTokens, m.tokenUsage.completionTokens]);
  for (const [input, output] of candidates) {
    if (!isCount(input) || !isCount(output)) continue;
    // ollama's LangChain class reports 0/0 when the server sent no counts; a non-empty answer has tokens.
    if (output === 0 && input === 0 && text.length > 0) continue;
    return { inputTokens: input, outputTokens: output };
  }
  return { ...estimateUsage(messages, text), estimated: true };
}

/** The model name a provider reported in its answer (LangChain's model_name, or a vendor's own model field). */
export function servedName(reply: ReplyLike): string | undefined {
  const m = reply.response_metadata ?? {};
  const name = typeof m.model_name === 'string' ? m.model_name : m.model;
  return typeof name === 'string' && name ? name : undefined;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object';
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
