import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { UNIVERSAL_PROVIDERS, isUniversalProvider } from './providers.js';

const HttpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

const ModelName = z.string().min(1, 'model name is empty').regex(/^\S+$/, 'model name contains whitespace');

export const ModelSpecSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('openai'), model: ModelName, baseURL: HttpUrl.optional() }),
  // OpenAI-compatible servers (vLLM, llama.cpp, ...); the base URL may also come from params or env.
  z.object({ provider: z.enum(['vllm', 'compat']), model: ModelName, baseURL: HttpUrl.optional() }),
  // Any other provider LangChain's initChatModel knows (anthropic, google-genai, ollama, ...).
  z.object({ provider: z.enum(UNIVERSAL_PROVIDERS), model: ModelName, baseURL: HttpUrl.optional() }),
  z.object({ provider: z.literal('offline'), skill: z.number().min(0, 'skill must be in [0,1]').max(1, 'skill must be in [0,1]') }),
]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type OpenAILikeSpec = Extract<ModelSpec, { model: string }>;

export const DEFAULT_OFFLINE_SKILL = 0.5;

/** The spec forms createModel accepts: the wording of spec errors and of every command's --model help. */
export const MODEL_SPEC_FORMS = 'openai:<model>[@<baseURL>], vllm:<model>@<baseURL>, compat:<model>@<baseURL>, <provider>:<model>[@<baseURL>] for a LangChain provider (anthropic, google-genai, ollama, ...), offline[:<skill>]';

/** Parses "openai:gpt-4o", "vllm:<model>@http://host:8000/v1", "offline:0.3", ... */
export function parseModelSpec(spec: string): ModelSpec {
  const bad = (why: string): UserError => new UserError('BAD_MODEL_SPEC', `model spec "${spec}": ${why} (expected ${MODEL_SPEC_FORMS})`);
  const text = spec.trim();
  const colon = text.indexOf(':');
  const provider = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? undefined : text.slice(colon + 1);
  let raw: unknown;
  if (provider === 'offline') {
    if (rest !== undefined && !/^(\d+(\.\d*)?|\.\d+)$/.test(rest)) throw bad(`skill "${rest}" is not a number`);
    raw = { provider, skill: rest === undefined ? DEFAULT_OFFLINE_SKILL : Number(rest) };
  } else if (provider === 'openai' || provider === 'vllm' || provider === 'compat' || isUniversalProvider(provider)) {
    if (rest === undefined) throw bad('missing model name');
    // Split at the "@" that starts the URL, so a model name may itself contain "@".
    const at = rest.search(/@[a-z][a-z0-9+.-]*:\/\//i);
    if (at < 0 && rest.includes('@')) throw bad(`base URL after "@" must start with http:// or https://`);
    raw = at < 0 ? { provider, model: rest } : { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) };
  } else {
    throw bad(provider ? `unknown provider "${provider}" (known: openai, vllm, compat, offline, ${UNIVERSAL_PROVIDERS.join(', ')})` : 'empty spec');
  }
  const parsed = ModelSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw bad(issue.path.length ? `${issue.path.join('.')} ${issue.message}` : issue.message);
  }
  return parsed.data;
}

/** Canonical text of a spec; the model id used in cache keys and reports. */
export function formatModelSpec(spec: ModelSpec): string {
  if (spec.provider === 'offline') return `offline:${spec.skill}`;
  return spec.baseURL ? `${spec.provider}:${spec.model}@${spec.baseURL}` : `${spec.provider}:${spec.model}`;
}

/** Generation settings, meant to be embedded in run config schemas. */
export const ModelParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: z.number().int().positive().default(2048),
    timeoutMs: z.number().int().positive().default(60_000),
    maxRetries: z.number().int().min(0).default(4),
    /** Requests in flight per endpoint, common to all models of this process on that endpoint. */
    concurrency: z.number().int().positive().default(8),
    baseURL: HttpUrl.optional(),
    apiKey: z.string().min(1).optional(),
    /** vllm:/compat: only. completions: the prompt as raw text (the vllm: default, as the original's DSPy client sent it); chat: a chat message. */
    api: z.enum(['completions', 'chat']).optional(),
  })
  .strict();
export type ModelParams = z.output<typeof ModelParamsSchema>;
export type ModelParamsInput = z.input<typeof ModelParamsSchema>;

/** Validates params; a bad value is a UserError naming the field. */
export function parseModelParams(input: ModelParamsInput | undefined): ModelParams {
  const parsed = ModelParamsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? ` "${issue.path.join('.')}":` : '';
  throw new UserError('BAD_MODEL_PARAMS', `model params:${where} ${issue.message}`);
}

/** What every chat client takes from the model parameters (key, sampling, limits, retries). */
export function clientParams(p: ModelParams): Pick<ModelParams, 'temperature' | 'maxTokens' | 'timeoutMs' | 'maxRetries' | 'concurrency'> & { apiKey?: string } {
  return {
    ...(p.apiKey ? { apiKey: p.apiKey } : {}),
    temperature: p.temperature, maxTokens: p.maxTokens, timeoutMs: p.timeoutMs, maxRetries: p.maxRetries, concurrency: p.concurrency,
  };
}
