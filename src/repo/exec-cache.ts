import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appendJsonl, readJsonlTolerant, repairJsonlTail } from '../util/jsonl.js';
import type { RepoJob, RepoJudgment, RepoSandbox } from './sandbox.js';

type Entry = { key: string; judgment: RepoJudgment };

/**
 * Judges the same candidate text for the same method and labels once per environment; results
 * are appended to JSONL shards, so the builder's reference runs serve later runs too.
 */
export class RepoExecCache {
  private readonly map = new Map<string, RepoJudgment>();
  private readonly inflight = new Map<string, Promise<RepoJudgment>>();
  readonly stats = { judged: 0, hits: 0 };
  /** judgeMany answers from the cache only (finishing a build that was stopped); misses are undefined. */
  cachedOnly = false;
  private readonly file?: string;

  constructor(private readonly sandbox: RepoSandbox, dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.jsonl')) continue;
      repairJsonlTail(join(dir, f));
      for (const e of readJsonlTolerant<Entry>(join(dir, f))) this.map.set(e.key, e.judgment);
    }
    this.file = join(dir, `repo-exec-${process.pid}-${Date.now().toString(36)}.jsonl`);
  }

  private keyOf(job: RepoJob): string {
    return createHash('sha256').update(JSON.stringify([this.sandbox.environmentId(), job])).digest('hex');
  }

  private async keep(key: string, j: RepoJudgment): Promise<void> {
    this.stats.judged++;
    // Timeouts depend on machine load: not kept, so a later run judges again.
    if (j.timedOut) return;
    this.map.set(key, j);
    if (this.file) await appendJsonl(this.file, { key, judgment: j });
  }

  /**
   * The builder's trusted jobs, uncached ones in one container (src/repo/sandbox.ts judgeBatch); when
   * that container's tree check fails, each is judged again in a fresh container. A skipped job
   * (the first one failed and stopUnlessFirstPasses) is undefined.
   */
  async judgeMany(jobs: RepoJob[], stopUnlessFirstPasses: boolean, firstPassed: (j: RepoJudgment) => boolean): Promise<((RepoJudgment & { cached: boolean }) | undefined)[]> {
    const keys = jobs.map((j) => this.keyOf(j));
    const out: ((RepoJudgment & { cached: boolean }) | undefined)[] = keys.map((k) => {
      const hit = this.map.get(k);
      return hit ? { ...hit, cached: true } : undefined;
    });
    if (stopUnlessFirstPasses && out[0] && !firstPassed(out[0])) return [out[0]];
    const todo = jobs.map((_, i) => i).filter((i) => !out[i]);
    if (!todo.length || this.cachedOnly) { this.stats.hits += jobs.length - todo.length; return out; }
    this.stats.hits += jobs.length - todo.length;
    const stop = stopUnlessFirstPasses && todo[0] === 0;
    const b = await this.sandbox.judgeBatch(todo.map((i) => jobs[i]!), stop);
    if (!b.treeOk) return Promise.all(jobs.map((j, i) => out[i] ?? this.judge(j)));
    for (let k = 0; k < b.results.length; k++) {
      const i = todo[k]!;
      out[i] = { ...b.results[k]!, cached: false };
      await this.keep(keys[i]!, b.results[k]!);
    }
    return out;
  }

  async judge(job: RepoJob): Promise<RepoJudgment & { cached: boolean }> {
    const key = this.keyOf(job);
    const hit = this.map.get(key);
    if (hit) { this.stats.hits++; return { ...hit, cached: true }; }
    let p = this.inflight.get(key);
    if (!p) {
      p = (async () => {
        const j = await this.sandbox.judge(job);
        await this.keep(key, j);
        return j;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return { ...(await p), cached: false };
  }
}
