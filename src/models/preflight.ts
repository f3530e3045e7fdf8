import { InfraError } from '../util/errors.js';
import { CachedModel, modelLayers, type ServedIdentity } from './cache.js';
import { OpenAIChatModel } from './openai.js';
import { PROVIDERS } from './providers.js';
import { UniversalChatModel } from './universal.js';
import type { ChatModel } from './types.js';

const PREFLIGHT_TIMEOUT_MS = 15_000;
/** The one-token probe's message (test servers recognise it). */
export const PREFLIGHT_PROMPT = 'Reply with OK.';

/** A model list entry as OpenAI and vLLM send it (vLLM adds `root`, the checkpoint, and `max_model_len`). */
interface ListedModel {
  id?: unknown;
  root?: unknown;
  created?: unknown;
  owned_by?: unknown;
  max_model_len?: unknown;
}

/**
 * Checks every endpoint before the first episode: its model list (or, when the list does not name
 * the model, a one-token call) must show the model is served. A failure is one line quoting the
 * server's own message. What the endpoint reports about the model (checkpoint, creation time or
 * fingerprint) becomes part of the response cache key. Offline models need no pre-flight.
 */
export async function preflight(models: (ChatModel | undefined)[], opts: { timeoutMs?: number } = {}): Promise<void> {
  const seen = new Map<string, Promise<ServedIdentity | undefined>>();
  for (const model of models) {
    if (!model) continue;
    const layers = modelLayers(model);
    const endpoint = layers.find((l): l is OpenAIChatModel | UniversalChatModel => l instanceof OpenAIChatModel || l instanceof UniversalChatModel);
    if (!endpoint) continue;
    const k = `${endpoint.baseURL}\u0000${endpoint.model}`;
    if (!seen.has(k)) seen.set(k, endpoint instanceof OpenAIChatModel ? probe(endpoint, opts.timeoutMs ?? PREFLIGHT_TIMEOUT_MS) : reach(endpoint, opts.timeoutMs ?? PREFLIGHT_TIMEOUT_MS));
    const served = await seen.get(k)!;
    if (served) for (const l of layers) if (l instanceof CachedModel) l.served = served;
  }
}

/**
 * LangChain providers: a server of one's own (a base URL, or Ollama's default) must answer at all;
 * Ollama's tag list, when it answers, names the model and its digest (the checkpoint).
 */
async function reach(m: UniversalChatModel, timeoutMs: number): Promise<ServedIdentity | undefined> {
  const info = PROVIDERS[m.provider];
  const base = (m.baseURL ?? (info.local ? info.defaultURL : undefined))?.replace(/\/+$/, '');
  if (!base) return undefined; // a vendor's cloud endpoint: its key and name are checked by the first call
  const url = m.provider === 'ollama' ? `${base}/api/tags` : base;
  const r = await request(m, url, {}, timeoutMs);
  const tags = (r.body as { models?: Array<{ name?: unknown; digest?: unknown }> } | undefined)?.models;
  if (m.provider !== 'ollama' || !r.ok || !Array.isArray(tags)) return undefined;
  const tag = tags.find((t) => t.name === m.model || t.name === `${m.model}:latest`);
  if (!tag) throw new InfraError('PREFLIGHT', `${m.id}: ${base} has no model "${m.model}" (it has ${tags.map((t) => String(t.name)).slice(0, 5).join(', ') || 'none'}); ollama pull ${m.model}`);
  return typeof tag.digest === 'string' ? { id: m.model, digest: tag.digest } : undefined;
}

async function probe(m: OpenAIChatModel, timeoutMs: number): Promise<ServedIdentity> {
  const headers = { authorization: `Bearer ${m.apiKey}`, 'content-type': 'application/json' };
  const listUrl = `${m.baseURL}/models`;
  const list = await request(m, listUrl, { headers }, timeoutMs);
  if (list.status === 401 || list.status === 403) throw failed(m, listUrl, list);
  const data = list.ok && Array.isArray((list.body as { data?: unknown } | undefined)?.data) ? (list.body as { data: ListedModel[] }).data : undefined;
  const entry = data?.find((e) => e.id === m.model);
  if (entry) return identityOf(m.model, entry);
  // No list, or the name is not in it (aliases, proxies): one token says whether the model is served.
  const chatUrl = `${m.baseURL}/chat/completions`;
  const body = JSON.stringify({ model: m.model, messages: [{ role: 'user', content: PREFLIGHT_PROMPT }], max_tokens: 1, temperature: 0 });
  const call = await request(m, chatUrl, { method: 'POST', headers, body }, timeoutMs);
  if (!call.ok) throw failed(m, chatUrl, call, data ? `; the server lists ${data.map((e) => String(e.id)).slice(0, 5).join(', ') || 'no models'}` : '');
  const fingerprint = (call.body as { system_fingerprint?: unknown } | undefined)?.system_fingerprint;
  return typeof fingerprint === 'string' && fingerprint ? { id: m.model, fingerprint } : { id: m.model };
}

/**
 * vLLM's `created` is the time of the list request, so with a `root` (the checkpoint path) the key
 * is id, root and context length; OpenAI's list has no root and a fixed `created` per model.
 */
function identityOf(name: string, e: ListedModel): ServedIdentity {
  const out: ServedIdentity = { id: name };
  if (typeof e.root === 'string' && e.root) {
    out.root = e.root;
    if (typeof e.max_model_len === 'number') out.max_model_len = e.max_model_len;
  } else if (typeof e.created === 'number') out.created = e.created;
  if (typeof e.owned_by === 'string') out.owned_by = e.owned_by;
  return out;
}

interface Reply {
  ok: boolean;
  status: number;
  body: unknown;
  text: string;
}

async function request(m: { id: string }, url: string, init: RequestInit, timeoutMs: number): Promise<Reply> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new InfraError('PREFLIGHT', `${m.id}: cannot reach ${url} (${causeOf(err)}); check the URL and that the server is running`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { ok: res.ok, status: res.status, body, text };
}

/** The server's own message: OpenAI's {error: {message}}, vLLM's {message}, else the body's first line. */
function serverMessage(r: Reply): string {
  const b = r.body as { error?: unknown; message?: unknown; detail?: unknown } | undefined;
  const err = b?.error;
  const msg = typeof err === 'object' && err && typeof (err as { message?: unknown }).message === 'string' ? (err as { message: string }).message
    : typeof err === 'string' ? err
      : typeof b?.message === 'string' ? b.message
        : typeof b?.detail === 'string' ? b.detail
          : r.text;
  const line = msg.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line || '(empty body)';
}

function failed(m: OpenAIChatModel, url: string, r: Reply, extra = ''): InfraError {
  return new InfraError('PREFLIGHT', `${m.id}: HTTP ${r.status} from ${url}: ${serverMessage(r)}${extra}`);
}

/** The socket's error code (fetch wraps it in causes), else the innermost message ("bad port"). */
function causeOf(err: unknown): string {
  let c: unknown = err;
  let inner = err instanceof Error ? err.message : String(err);
  for (let i = 0; i < 4 && c && typeof c === 'object'; i++) {
    const e = c as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (e.name === 'TimeoutError') return 'no answer in time';
    if (typeof e.message === 'string' && e.message) inner = e.message;
    c = e.cause;
  }
  return inner;
}
