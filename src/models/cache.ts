import { stableJson } from '../util/json.js';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InfraError, errorMessage } from '../util/errors.js';
import { appendJsonl, readJsonlTolerant } from '../util/jsonl.js';
import { DEFAULT_CACHE_DIR } from './paths.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation, ModelApi, TokenUsage } from './types.js';

export type CacheMode = 'off' | 'read-write';

/** One line of a shard. Messages are not stored: the key stands for them. */
export interface CacheRecord {
  k: string;
  model: string;
  text: string;
  usage: TokenUsage;
  latencyMs: number;
  /** The model name the endpoint reported, when it reported one. */
  served?: string;
  /** ISO time of the original call. */
  t: string;
}

/** Bump when the key layout changes, so old entries stop matching instead of lying. */
const KEY_VERSION = 1;

/**
 * Persistent response cache: a directory of append-only JSONL shards, all loaded into a Map on
 * open. Each process appends to its own new shard, so concurrent runs never interleave lines and
 * a killed process can only leave a torn last line (ignored on load).
 */
export class ResponseCache {
  readonly dir: string;
  private readonly entries = new Map<string, CacheRecord>();
  /** Calls under way, so identical concurrent requests make one call. */
  readonly pending = new Map<string, Promise<Generation>>();
  private shard: string | undefined;
  private writes: Promise<void> = Promise.resolve();

  private constructor(dir: string) {
    this.dir = dir;
    this.load();
  }

  private static readonly open_ = new Map<string, ResponseCache>();

  /** The process-wide cache for a directory (default: responses/ in the user's cache directory). */
  static open(dir: string = DEFAULT_CACHE_DIR): ResponseCache {
    const abs = resolve(dir);
    let cache = ResponseCache.open_.get(abs);
    if (!cache) ResponseCache.open_.set(abs, (cache = new ResponseCache(abs)));
    return cache;
  }

  /** Forgets the open instances, so the next open re-reads the disk (tests: a "new process"). */
  static async closeAll(): Promise<void> {
    for (const cache of ResponseCache.open_.values()) await cache.flush();
    ResponseCache.open_.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheRecord | undefined {
    return this.entries.get(key);
  }

  /** Records an entry in memory and appends it to this process's shard. */
  put(record: CacheRecord): Promise<void> {
    this.entries.set(record.k, record);
    this.shard ??= join(this.dir, `${stamp()}-${process.pid}-${randomBytes(3).toString('hex')}.jsonl`);
    const file = this.shard;
    // Serialised so that lines of one process never interleave.
    const write = this.writes.then(() => appendJsonl(file, record));
    this.writes = write.catch(() => undefined);
    return write.catch((err: unknown) => {
      throw new InfraError('CACHE_WRITE', `response cache ${file}: ${errorMessage(err)}`, { cause: err });
    });
  }

  /** Waits for pending appends. */
  async flush(): Promise<void> {
    await this.writes;
  }

  private load(): void {
    if (!existsSync(this.dir)) return;
    const shards = readdirSync(this.dir).filter((f) => f.endsWith('.jsonl')).sort();
    for (const name of shards) {
      for (const rec of readJsonlTolerant<Partial<CacheRecord>>(join(this.dir, name))) {
        if (isRecord(rec)) this.entries.set(rec.k, rec);
      }
    }
  }
}

function isRecord(r: Partial<CacheRecord>): r is CacheRecord {
  return (
    // Empty answers were stored before they counted as malformed: such entries are called again.
    typeof r === 'object' && r !== null && typeof r.k === 'string' && typeof r.text === 'string' && r.text !== '' &&
    typeof r.usage?.inputTokens === 'number' && typeof r.usage?.outputTokens === 'number'
  );
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
}

export interface KeyDefaults {
  temperature?: number;
  maxTokens?: number;
}

/** What an endpoint says it serves under a model name (the pre-flight reads it): another checkpoint is another model. */
export type ServedIdentity = Record<string, string | number>;

/**
 * sha256 of everything that determines a reply: model, the identity its endpoint reports, sampling
 * params, messages, sample index.
 */
export function cacheKey(model: Pick<ChatModel, 'id' | 'synthetic' | 'behaviour' | 'api'>, messages: ChatMessage[], opts: GenerateOptions, defaults: KeyDefaults = {}, served?: ServedIdentity): string {
  const payload: Record<string, unknown> = {
    v: KEY_VERSION,
    model: model.id,
    temperature: opts.temperature ?? defaults.temperature ?? null,
    maxTokens: opts.maxTokens ?? defaults.maxTokens ?? null,
    stop: opts.stop ?? [],
    messages: messages.map((m) => [m.role, m.content]),
    sampleIndex: opts.sampleIndex ?? 0,
  };
  // Raw text and a prefilled answer are other requests than a plain chat one (absent otherwise, so older keys still match).
  const api = opts.api ?? (opts.prefill !== undefined ? 'chat' : model.api);
  if (api === 'completions') payload.api = api;
  if (opts.prefill !== undefined) payload.prefill = opts.prefill;
  if (served) payload.served = served;
  // A synthetic model's answers change with its behaviour version, so that keys too.
  if (model.synthetic) Object.assign(payload, { role: opts.role, behaviour: model.behaviour ?? null });
  return createHash('sha256').update(stableJson(payload)).digest('hex');
}

export { stableJson };

export interface CachedModelOptions {
  mode?: CacheMode;
  /** The inner model's default temperature and maxTokens, so explicit and default values key alike. */
  defaults?: KeyDefaults;
}

/** Serves repeated requests from the response cache; a hit makes no model call. */
export class CachedModel implements ChatModel {
  readonly id: string;
  readonly synthetic: boolean;
  readonly api?: ModelApi;
  private readonly mode: CacheMode;
  private readonly defaults: KeyDefaults;
  /** The endpoint's identity of the model (set by the pre-flight); answers of another one are not reused. */
  served: ServedIdentity | undefined;
  /** Answers served from the cache by this model, per role, and the time of the oldest one. */
  readonly hits = new Map<string, { n: number; since: string }>();

  constructor(
    readonly inner: ChatModel,
    readonly cache: ResponseCache,
    opts: CachedModelOptions = {},
  ) {
    this.id = inner.id;
    this.synthetic = inner.synthetic;
    if (inner.api) this.api = inner.api;
    this.mode = opts.mode ?? 'read-write';
    this.defaults = opts.defaults ?? {};
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    if (this.mode === 'off') return this.inner.generate(messages, opts);
    const key = cacheKey(this.inner, messages, opts, this.defaults, this.served);
    const hit = this.cache.get(key);
    if (hit) {
      const h = this.hits.get(opts.role);
      if (!h) this.hits.set(opts.role, { n: 1, since: hit.t });
      else {
        h.n++;
        if (hit.t < h.since) h.since = hit.t;
      }
      return { text: hit.text, usage: { ...hit.usage }, latencyMs: 0, cached: true, ...(hit.served ? { servedModel: hit.served } : {}) };
    }
    const running = this.cache.pending.get(key);
    if (running) {
      const gen = await running;
      return { ...gen, usage: { ...gen.usage }, latencyMs: 0, cached: true };
    }
    const call = (async (): Promise<Generation> => {
      const gen = await this.inner.generate(messages, opts);
      // An empty answer is never stored (a provider that let one through would have it replayed forever).
      if (!gen.cached && gen.text !== '') {
        await this.cache.put({
          k: key, model: this.inner.id, text: gen.text, usage: gen.usage, latencyMs: gen.latencyMs,
          ...(gen.servedModel ? { served: gen.servedModel } : {}), t: new Date().toISOString(),
        });
      }
      return gen;
    })();
    this.cache.pending.set(key, call);
    try {
      return await call;
    } finally {
      this.cache.pending.delete(key);
    }
  }
}

/** The layers of a model (usage tracking, cache, the model itself), outermost first. */
export function modelLayers(model: ChatModel): ChatModel[] {
  const out: ChatModel[] = [];
  for (let m: ChatModel | undefined = model; m && out.length < 8; m = (m as { inner?: ChatModel }).inner) out.push(m);
  return out;
}

/** Per role: live calls, answers from the cache and the time of the oldest of them (what run-stats.json records). */
export interface CallCounts {
  live: Record<string, number>;
  cached: Record<string, number>;
  cachedSince: Record<string, string>;
}

/** Live calls and cached answers of a run, from its usage per role and its models' cache layers. */
export function callCounts(usage: Record<string, { calls: number; cached_calls: number }>, models: (ChatModel | undefined)[]): CallCounts {
  const out: CallCounts = { live: {}, cached: {}, cachedSince: {} };
  for (const [role, u] of Object.entries(usage)) {
    out.live[role] = u.calls - u.cached_calls;
    out.cached[role] = u.cached_calls;
  }
  for (const m of models) {
    for (const layer of m ? modelLayers(m) : []) {
      if (!(layer instanceof CachedModel)) continue;
      for (const [role, h] of layer.hits) if (!out.cachedSince[role] || h.since < out.cachedSince[role]!) out.cachedSince[role] = h.since;
    }
  }
  return out;
}

/** One console line: "model calls: coder 0 live + 17 cached answers (cached 2026-12-05T05:01:02Z and later); user ...". */
export function formatCallCounts(c: CallCounts): string {
  const roles = Object.keys(c.live);
  if (!roles.length) return 'model calls: none';
  return `model calls: ${roles.map((r) => {
    const cached = c.cached[r] ?? 0;
    const since = c.cachedSince[r] ? ` (cached ${c.cachedSince[r]!.replace(/\.\d+Z$/, 'Z')} and later)` : '';
    return `${r} ${c.live[r]} live${cached ? ` + ${cached} cached answer${cached > 1 ? 's' : ''}${since}` : ''}`;
  }).join('; ')}`;
}
