import { ModelError } from './types.js';
import { PROVIDERS, envValue, isUniversalProvider, missingPackageMessage, normalizeBaseURL, packageInstalled, type UniversalProvider } from './providers.js';
import { clientParams, formatModelSpec, type ModelParams, type ModelSpec } from './spec.js';
import { UniversalChatModel } from './universal.js';

/** Test knobs also used by the OpenAI path (backoff). */
export interface UniversalKnobs {
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  maxRetryAfterMs?: number;
}

export type UniversalSpec = Extract<ModelSpec, { provider: UniversalProvider }>;

export function isUniversalSpec(spec: ModelSpec): spec is UniversalSpec {
  return isUniversalProvider(spec.provider);
}

/**
 * A model for "<provider>:<model>[@<url>]". The base URL comes from the spec, then params.baseURL
 * (the config), then the provider's usual environment variable; the key from params.apiKey, then
 * the provider's variable. Missing packages and keys fail here, before any episode starts.
 */
export function createUniversalModel(
  spec: UniversalSpec,
  p: ModelParams,
  knobs: UniversalKnobs = {},
): UniversalChatModel {
  const info = PROVIDERS[spec.provider];
  const text = formatModelSpec(spec);
  if (!packageInstalled(info.pkg)) {
    throw new ModelError('CONFIG', `model spec "${text}": ${missingPackageMessage(spec.provider, info.pkg)}`, { attempts: 0 });
  }
  const fromEnv = envValue(info.urlEnv);
  const raw = spec.baseURL ?? p.baseURL ?? fromEnv;
  const baseURL = raw ? normalizeBaseURL(spec.provider, raw) : undefined;
  if (baseURL && !info.urlField) {
    throw new ModelError('CONFIG', `model spec "${text}": a base URL is not supported for provider "${spec.provider}" here`, { attempts: 0 });
  }
  if (!baseURL && !p.apiKey && info.keyEnv.length > 0 && !envValue(info.keyEnv)) {
    throw new ModelError('AUTH', `${text}: no API key (set ${info.keyEnv.join(' or ')} or pass apiKey)`, { attempts: 0 });
  }
  // Local servers decide what a name means, so their URL is part of the id (as for vllm:); vendor
  // ids carry a URL only when the spec names one, so a proxy set by env lets runs reuse cache entries.
  const idURL = info.local ? (baseURL ?? info.defaultURL) : spec.baseURL;
  const id = formatModelSpec({ ...spec, baseURL: idURL });
  return new UniversalChatModel({
    provider: spec.provider,
    model: spec.model,
    id,
    ...(baseURL ? { baseURL } : {}),
    ...clientParams(p),
    ...knobs,
  });
}
