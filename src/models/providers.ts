import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatModelProvider } from 'langchain/chat_models/universal';

/**
 * Providers reached through LangChain's universal chat model (initChatModel). "openai" keeps its own
 * path (openai.ts); "langsmith" is a gateway, not a model vendor. test/models/providers.test.ts checks
 * this list against the installed langchain, so an upgrade that adds a provider is noticed.
 */
export const UNIVERSAL_PROVIDERS = [
  'anthropic', 'google-genai', 'google', 'google-vertexai', 'google-vertexai-web', 'ollama', 'mistralai', 'mistral',
  'groq', 'bedrock', 'aws', 'azure_openai', 'cohere', 'deepseek', 'xai', 'cerebras', 'fireworks', 'together', 'perplexity',
] as const satisfies readonly ChatModelProvider[];
export type UniversalProvider = (typeof UNIVERSAL_PROVIDERS)[number];

export function isUniversalProvider(p: string): p is UniversalProvider {
  return (UNIVERSAL_PROVIDERS as readonly string[]).includes(p);
}

/** How our generic settings reach one provider's LangChain class, and where its key and URL live. */
export interface ProviderInfo {
  /** npm package holding the LangChain class (as in langchain's MODEL_PROVIDER_CONFIG). */
  pkg: string;
  /** Environment variables holding the API key, first set wins; none for local or credential-chain providers. */
  keyEnv: string[];
  /** Environment variables holding a base URL, first set wins. */
  urlEnv: string[];
  /** Constructor field taking the base URL; absent when we cannot point the provider elsewhere. */
  urlField?: string;
  /** Constructor field taking the output token limit. */
  maxTokensField: string;
  /** The vendor endpoint when no base URL is set (names the concurrency slot). */
  defaultURL: string;
  /** A local server: any base URL is the real one, so it is part of the model id (like vllm:). */
  local?: true;
  /** Takes a custom fetch as `fetch` (used so our timeout also aborts a request still waiting for headers). */
  fetchField?: 'fetch' | 'clientOptions.fetch' | 'global';
}

const P = (pkg: string, keyEnv: string[], defaultURL: string, extra: Partial<ProviderInfo> = {}): ProviderInfo => ({
  pkg, keyEnv, urlEnv: [], maxTokensField: 'maxTokens', defaultURL, ...extra,
});

export const PROVIDERS: Record<UniversalProvider, ProviderInfo> = {
  anthropic: P('@langchain/anthropic', ['ANTHROPIC_API_KEY'], 'https://api.anthropic.com', {
    urlEnv: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_URL'], urlField: 'anthropicApiUrl', fetchField: 'clientOptions.fetch',
  }),
  'google-genai': P('@langchain/google-genai', ['GOOGLE_API_KEY', 'GEMINI_API_KEY'], 'https://generativelanguage.googleapis.com', {
    urlField: 'baseUrl', maxTokensField: 'maxOutputTokens', fetchField: 'global',
  }),
  google: P('@langchain/google', ['GOOGLE_API_KEY', 'GEMINI_API_KEY'], 'https://generativelanguage.googleapis.com', { maxTokensField: 'maxOutputTokens' }),
  'google-vertexai': P('@langchain/google-vertexai', [], 'https://aiplatform.googleapis.com', { maxTokensField: 'maxOutputTokens' }),
  'google-vertexai-web': P('@langchain/google-vertexai-web', [], 'https://aiplatform.googleapis.com', { maxTokensField: 'maxOutputTokens' }),
  ollama: P('@langchain/ollama', [], 'http://127.0.0.1:11434', {
    urlEnv: ['OLLAMA_BASE_URL', 'OLLAMA_HOST'], urlField: 'baseUrl', maxTokensField: 'numPredict', local: true, fetchField: 'fetch',
  }),
  mistralai: P('@langchain/mistralai', ['MISTRAL_API_KEY'], 'https://api.mistral.ai', { urlField: 'serverURL' }),
  mistral: P('@langchain/mistralai', ['MISTRAL_API_KEY'], 'https://api.mistral.ai', { urlField: 'serverURL' }),
  groq: P('@langchain/groq', ['GROQ_API_KEY'], 'https://api.groq.com', { urlEnv: ['GROQ_BASE_URL'], urlField: 'baseUrl' }),
  // AWS credentials come from the SDK's own chain (env, profile, role), so no key is checked here.
  bedrock: P('@langchain/aws', [], 'https://bedrock-runtime.amazonaws.com'),
  aws: P('@langchain/aws', [], 'https://bedrock-runtime.amazonaws.com'),
  azure_openai: P('@langchain/openai', ['AZURE_OPENAI_API_KEY'], 'https://openai.azure.com'),
  cohere: P('@langchain/cohere', ['COHERE_API_KEY'], 'https://api.cohere.com'),
  deepseek: P('@langchain/deepseek', ['DEEPSEEK_API_KEY'], 'https://api.deepseek.com'),
  xai: P('@langchain/xai', ['XAI_API_KEY'], 'https://api.x.ai'),
  cerebras: P('@langchain/cerebras', ['CEREBRAS_API_KEY'], 'https://api.cerebras.ai'),
  fireworks: P('@langchain/fireworks', ['FIREWORKS_API_KEY'], 'https://api.fireworks.ai'),
  together: P('@langchain/together-ai', ['TOGETHER_AI_API_KEY'], 'https://api.together.xyz'),
  perplexity: P('@langchain/perplexity', ['PERPLEXITY_API_KEY'], 'https://api.perplexity.ai'),
};

/** First non-empty value among the named environment variables. */
export function envValue(names: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** OLLAMA_HOST may be "host", "host:port" or a URL; the Ollama CLI fills in http:// and port 11434. */
export function normalizeBaseURL(provider: UniversalProvider, raw: string): string {
  let url = raw.trim().replace(/\/+$/, '');
  if (provider === 'ollama') {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
    const u = new URL(url);
    if (!u.port && u.protocol === 'http:' && u.pathname === '/') url = `${u.protocol}//${u.hostname}:11434`;
  }
  return url;
}

/**
 * Whether a package can be imported from this project, by Node's node_modules lookup from here
 * upwards (a check on disk: packages are only imported on a model's first call).
 */
export function packageInstalled(pkg: string, from: string = dirname(fileURLToPath(import.meta.url))): boolean {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', pkg, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/** The one line shown when a provider's package is not installed. */
export function missingPackageMessage(provider: string, pkg: string): string {
  return `provider "${provider}" needs the package ${pkg}, which is not installed: run npm install ${pkg}`;
}
