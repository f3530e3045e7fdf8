import { UserError } from '../util/errors.js';
import { CachedModel, ResponseCache, type CacheMode } from './cache.js';
import { OpenAIChatModel } from './openai.js';
import { clientParams, formatModelSpec, parseModelParams, parseModelSpec, type ModelParams, type ModelParamsInput } from './spec.js';
import type { ChatModel } from './types.js';
import { createUniversalModel, isUniversalSpec, type UniversalKnobs } from './universal-factory.js';
import { TrackedModel, type UsageTracker } from './usage.js';

/** Builds an offline synthetic model; supplied by the caller so this layer does not depend on it. */
export type OfflineProvider = (skill: number, params: ModelParams) => ChatModel;

export interface ModelDeps {
  /** Response cache directory (default: responses/ in the user's cache directory). */
  cacheDir?: string;
  /** false or 'off' (the --no-cache switch) skips the cache; default read-write. */
  cache?: boolean | CacheMode;
  tracker?: UsageTracker;
  offline?: OfflineProvider;
  /** Test knobs passed to the OpenAI model (backoff, limiter). */
  openai?: { backoffBaseMs?: number; backoffMaxMs?: number; maxRetryAfterMs?: number };
  /** Test knobs for LangChain-universal providers (backoff); the openai knobs apply to them too. */
  universal?: UniversalKnobs;
}

/**
 * A ChatModel for a spec string ("openai:gpt-4o", "vllm:<model>@<url>", "anthropic:<model>", "offline:0.3"):
 * usage tracking outermost, then the response cache, then the model.
 */
export function createModel(spec: string, params: ModelParamsInput | ModelParams = {}, deps: ModelDeps = {}): ChatModel {
  const parsed = parseModelSpec(spec);
  const p = parseModelParams(params);
  let model: ChatModel;
  if (parsed.provider === 'offline') {
    if (!deps.offline) throw new UserError('NO_OFFLINE_MODEL', `model spec "${spec}": offline models are not available in this command`);
    model = deps.offline(parsed.skill, p);
  } else if (isUniversalSpec(parsed)) {
    if (p.api) throw new UserError('BAD_MODEL_PARAMS', `model params: "api" applies to vllm: and compat: models, not to ${spec}`);
    // Providers reached through LangChain's initChatModel (anthropic, google-genai, ollama, ...): universal-factory.ts.
    model = createUniversalModel(parsed, p, { ...deps.openai, ...deps.universal });
  } else {
    const baseURL = parsed.baseURL ?? p.baseURL ?? (parsed.provider === 'openai' ? undefined : process.env.OPENAI_BASE_URL?.replace(/\/+$/, ''));
    if (p.api && parsed.provider === 'openai') {
      throw new UserError('BAD_MODEL_PARAMS', `model params: "api" applies to vllm: and compat: models, not to ${spec}`);
    }
    if (parsed.provider !== 'openai' && !baseURL) {
      throw new UserError('BAD_MODEL_SPEC', `model spec "${spec}": ${parsed.provider} needs a base URL (${parsed.provider}:<model>@<baseURL>, params.baseURL or OPENAI_BASE_URL)`);
    }
    // vllm/compat ids (and openai ones whose spec names a URL) include the URL, so different servers'
    // answers never share cache entries; plain openai ids stay the same behind a proxy.
    const id = parsed.provider === 'openai' && !parsed.baseURL ? formatModelSpec(parsed) : formatModelSpec({ ...parsed, baseURL });
    model = new OpenAIChatModel({
      model: parsed.model,
      id,
      ...(baseURL ? { baseURL } : {}),
      // vLLM gets raw text by default: the original's DSPy client sent its prompts to /v1/completions.
      api: p.api ?? (parsed.provider === 'vllm' ? 'completions' : 'chat'),
      vllm: parsed.provider === 'vllm',
      ...clientParams(p),
      ...deps.openai,
    });
  }
  const mode: CacheMode = deps.cache === false || deps.cache === 'off' ? 'off' : 'read-write';
  if (mode !== 'off') {
    model = new CachedModel(model, ResponseCache.open(deps.cacheDir), { defaults: { temperature: p.temperature, maxTokens: p.maxTokens } });
  }
  if (deps.tracker) model = new TrackedModel(model, deps.tracker);
  return model;
}
