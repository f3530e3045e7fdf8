export { ModelError } from './types.js';
export type { ChatMessage, ChatModel, GenerateOptions, Generation, ModelErrorCode, ModelRole, TokenUsage } from './types.js';
export {
  DEFAULT_OFFLINE_SKILL,
  ModelParamsSchema,
  ModelSpecSchema,
  formatModelSpec,
  parseModelParams,
  parseModelSpec,
} from './spec.js';
export type { ModelParams, ModelParamsInput, ModelSpec } from './spec.js';
export { OPENAI_DEFAULT_BASE_URL, OpenAIChatModel, estimateUsage } from './openai.js';
export type { OpenAIModelOptions } from './openai.js';
export { Semaphore, endpointLimiter } from './limiter.js';
export { CachedModel, ResponseCache, cacheKey, stableJson } from './cache.js';
export type { CacheMode, CacheRecord, CachedModelOptions } from './cache.js';
export { PriceTableSchema, TrackedModel, UsageTracker, costOf, loadPrices, modelNameOf } from './usage.js';
export type { PriceTable, RoleUsage, RoleUsageJson } from './usage.js';
export { createModel } from './factory.js';
export type { ModelDeps, OfflineProvider } from './factory.js';
export { DEFAULT_CACHE_DIR, DEFAULT_PRICES_FILE } from './paths.js';
export { PROVIDERS, UNIVERSAL_PROVIDERS, isUniversalProvider } from './providers.js';
export type { ProviderInfo, UniversalProvider } from './providers.js';
export { UniversalChatModel } from './universal.js';
export type { UniversalModelOptions } from './universal.js';
export { createUniversalModel } from './universal-factory.js';
