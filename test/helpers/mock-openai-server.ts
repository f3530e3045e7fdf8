import type { ServerResponse } from 'node:http';
import { PREFLIGHT_PROMPT } from '../../src/models/preflight.js';
import { MockChatServer, send, type VendorMode } from './mock-chat-server.js';

/** How the server answers one request (every mode but Ollama's 'stall' and 'truncated'). */
export type MockMode = VendorMode;

const error = (status: number, message: string, type: string, code?: string) => ({ status, payload: { error: { message, type, ...(code ? { code } : {}) } } });

/** vLLM's answer to a prompt over the context window: a top-level error object, no `error` wrapper. */
export const VLLM_CONTEXT_LENGTH_BODY = {
  object: 'error',
  message: "This model's maximum context length is 4096 tokens. However, you requested 4533 tokens (2485 in the messages, 2048 in the completion). Please reduce the length of the messages or completion.",
  type: 'BadRequestError',
  param: null,
  code: 400,
};

/**
 * A tiny OpenAI-compatible server on 127.0.0.1 for tests: chat completions and (raw text) completions.
 * Answers follow the script (one mode per request, in order), then `fallback`. It counts requests
 * and the most requests it ever had in flight at once. `served` is the model name it reports.
 */
export class MockOpenAIServer extends MockChatServer {
  protected readonly route = /^(\/v1)?\/(chat\/)?completions$/;
  /**
   * The model list (GET /v1/models), vLLM style: when set, a chat request for a name not in it gets
   * vLLM's 404 "The model `X` does not exist."; unset, the server has no list and serves any name.
   */
  models: Array<{ id: string; root?: string; created?: number; max_model_len?: number }> | undefined;
  /** A `system_fingerprint` sent with every completion. */
  fingerprint: string | undefined;
  /** Pre-flight probes answered (outside the script and `requests`) and model list requests. */
  probes = 0;
  listRequests = 0;

  override reset(): void {
    super.reset();
    this.models = undefined;
    this.fingerprint = undefined;
    this.probes = 0;
    this.listRequests = 0;
    this.served = undefined;
  }

  protected override answerGet(path: string, res: ServerResponse): boolean {
    if (!/^(\/v1)?\/models$/.test(path) || !this.models) return false;
    this.listRequests++;
    send(res, 200, { object: 'list', data: this.models.map((m) => ({ object: 'model', owned_by: 'vllm', created: Math.floor(Date.now() / 1000), ...m })) });
    return true;
  }

  protected override intercept(body: Record<string, unknown>, res: ServerResponse): boolean {
    if (this.models && !this.models.some((m) => m.id === body.model)) {
      send(res, 404, { object: 'error', message: `The model \`${String(body.model)}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 });
      return true;
    }
    const messages = body.messages as Array<{ content?: unknown }> | undefined;
    if (body.max_tokens !== 1 || messages?.[0]?.content !== PREFLIGHT_PROMPT) return false;
    this.probes++;
    send(res, 200, { id: 'chatcmpl-probe', object: 'chat.completion', model: body.model, created: 0, ...(this.fingerprint ? { system_fingerprint: this.fingerprint } : {}), choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'length' }] });
    return true;
  }

  protected readonly errors = {
    '429': error(429, 'Rate limit reached', 'requests', 'rate_limit_exceeded'),
    '500': error(500, 'The server had an error', 'server_error'),
    '401': error(401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
  };
  protected readonly garbled = { contentType: 'application/json', text: '{"id": "chatcmpl-1", "choices": [ {"mess' };
  /** Model name in answers; default the requested one. */
  served: string | undefined;

  /** Base URL in OpenAI client form (ends with /v1). */
  override get baseURL(): string {
    return `${super.baseURL}/v1`;
  }

  /** A completions request carries a prompt; its text is what the answer echoes. */
  protected override texts(body: Record<string, unknown>): string[] {
    return typeof body.prompt === 'string' ? [body.prompt] : super.texts(body);
  }

  protected respond(mode: VendorMode, body: Record<string, unknown>, res: ServerResponse): void {
    const raw = typeof body.prompt === 'string';
    const head = { object: raw ? 'text_completion' : 'chat.completion', model: this.served ?? body.model ?? 'mock', ...(this.fingerprint ? { system_fingerprint: this.fingerprint } : {}) };
    const choice = (content: string | null) => raw
      ? { index: 0, text: content, finish_reason: 'stop', logprobs: null }
      : { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null };
    if (mode === 'null-content') send(res, 200, { id: 'cmpl-null', ...head, created: 0, choices: [choice(null)] });
    else if (mode === '400') send(res, 400, error(400, 'Invalid value for max_tokens', 'invalid_request_error').payload);
    else if (mode === 'context-length') send(res, 400, VLLM_CONTEXT_LENGTH_BODY);
    else this.answerJson(mode, body, res, (text, input, usage) => ({
      id: 'cmpl-mock', ...head, created: Math.floor(Date.now() / 1000), choices: [choice(text)],
      ...(usage ? { usage: { prompt_tokens: 10 + input, completion_tokens: text.length, total_tokens: 10 + input + text.length } } : {}),
    }), { id: 'cmpl-empty', ...head, created: 0, choices: [] });
  }
}
