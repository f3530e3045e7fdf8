import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../../src/models/types.js';

export interface RecordedCall {
  messages: ChatMessage[];
  opts: GenerateOptions;
  /** The last user message: what this role was shown. */
  prompt: string;
}

/** A model that answers from a script (one answer per call, in order) and records every prompt. */
export class ScriptedModel implements ChatModel {
  readonly calls: RecordedCall[] = [];
  readonly synthetic = false;
  constructor(readonly id: string, private readonly script: (string | ((prompt: string) => string))[], private readonly fallback = 'no more answers') {}

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const prompt = messages[messages.length - 1]!.content;
    this.calls.push({ messages, opts, prompt });
    const next = this.script[this.calls.length - 1];
    const text = next === undefined ? this.fallback : typeof next === 'function' ? next(prompt) : next;
    return { text, usage: { inputTokens: 10, outputTokens: 5 }, latencyMs: 0, cached: false };
  }
}

/** An answer holding `code` in a closed python fence. */
export const answer = (code: string): string => `Here you go.\n\n\`\`\`python\n${code}\n\`\`\`\n`;
