import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appendJsonl, readJsonlTolerant, repairJsonlTail } from '../util/jsonl.js';

/**
 * The one policy of every judgment cache (the episode cache, the repo cache, the Redis
 * cache): a verdict the code earned in its environment is kept for later runs; an outcome that
 * depends on the moment is not. A timeout (machine load decides it) and a sandbox death (an OOM
 * kill, a crashed or killed container) are reused within the run that saw them, never across runs.
 */
export function reusableAcrossRuns(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(reusableAcrossRuns);
  if (value === null || typeof value !== 'object') return true;
  const v = value as Record<string, unknown>;
  if (v.timedOut === true || v.status === 'timeout' || v.oom === true) return false;
  const all = (v.details as Record<string, unknown> | undefined)?.ALL;
  return !(typeof all === 'string' && all.startsWith('The sandbox died while judging'));
}

/** Stable key of a judgment: length-prefixed parts, so no two part lists share a key. */
export function judgmentKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p.length)).update(':').update(p);
  return h.digest('hex');
}

type Entry<V> = { key: string } & Record<string, unknown> & { [k: string]: V | string };

/**
 * Judgments by key: all of this run's in memory, the reusable ones also appended to JSONL shards in
 * `dir` (one per process) that later runs in any directory read back. Concurrent requests for one
 * key share one judgment. `field` names the value in a shard line (older shards keep their names).
 */
export class JudgmentCache<V> {
  private readonly map = new Map<string, V>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly file?: string;
  /** Judged here, answered from the cache (memory, shards or a judgment in flight). */
  readonly stats = { judged: 0, hits: 0 };

  constructor(private readonly field: string, dir: string | undefined, shardPrefix: string) {
    if (!dir) return;
    for (const f of safeList(dir)) {
      if (!f.endsWith('.jsonl')) continue;
      repairJsonlTail(join(dir, f));
      for (const e of readJsonlTolerant<Entry<V>>(join(dir, f))) {
        const v = e[field] as V | undefined;
        if (v !== undefined && reusableAcrossRuns(v)) this.map.set(e.key, v);
      }
    }
    this.file = join(dir, `${shardPrefix}-${process.pid}-${Date.now().toString(36)}.jsonl`);
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** The cached value, or `judge()`'s, stored under the policy above; `cached` says which. */
  async getOrJudge(key: string, judge: () => Promise<V>): Promise<{ value: V; cached: boolean }> {
    const hit = this.map.get(key);
    if (hit !== undefined) { this.stats.hits++; return { value: hit, cached: true }; }
    const running = this.inflight.get(key);
    if (running) { this.stats.hits++; return { value: await running, cached: true }; }
    const p = judge().then(async (v) => { await this.put(key, v); return v; }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return { value: await p, cached: false };
  }

  /** Stores a value judged elsewhere (a batch); counted as judged. */
  async put(key: string, value: V): Promise<void> {
    this.stats.judged++;
    this.map.set(key, value);
    if (this.file && reusableAcrossRuns(value)) await appendJsonl(this.file, { key, [this.field]: value });
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
