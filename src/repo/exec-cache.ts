import { createHash } from 'node:crypto';
import { JudgmentCache } from '../sandbox/judgment-cache.js';
import type { RepoJob, RepoJudgment, RepoSandbox } from './sandbox.js';

/**
 * Judges the same candidate text for the same method and labels once per environment, under the
 * one cache policy of src/sandbox/judgment-cache.ts; the builder's reference runs serve later runs.
 */
export class RepoExecCache {
  private readonly cache: JudgmentCache<RepoJudgment>;
  /** judgeMany answers from the cache only (finishing a build that was stopped); misses are undefined. */
  cachedOnly = false;

  constructor(private readonly sandbox: RepoSandbox, dir?: string) {
    this.cache = new JudgmentCache<RepoJudgment>('judgment', dir, 'repo-exec');
  }

  get stats(): { judged: number; hits: number } {
    return this.cache.stats;
  }

  private keyOf(job: RepoJob): string {
    // The key form predates the common cache module: kept so that earlier builds' judgments still serve.
    return createHash('sha256').update(JSON.stringify([this.sandbox.environmentId(), job])).digest('hex');
  }

  /**
   * The builder's trusted jobs, uncached ones in one container (src/repo/sandbox.ts judgeBatch); when
   * that container's tree check fails, each is judged again in a fresh container. A skipped job
   * (the first one failed and stopUnlessFirstPasses) is undefined.
   */
  async judgeMany(jobs: RepoJob[], stopUnlessFirstPasses: boolean, firstPassed: (j: RepoJudgment) => boolean): Promise<((RepoJudgment & { cached: boolean }) | undefined)[]> {
    const keys = jobs.map((j) => this.keyOf(j));
    const out: ((RepoJudgment & { cached: boolean }) | undefined)[] = keys.map((k) => {
      const hit = this.cache.get(k);
      return hit ? { ...hit, cached: true } : undefined;
    });
    if (stopUnlessFirstPasses && out[0] && !firstPassed(out[0])) return [out[0]];
    const todo = jobs.map((_, i) => i).filter((i) => !out[i]);
    this.cache.stats.hits += jobs.length - todo.length;
    if (!todo.length || this.cachedOnly) return out;
    const stop = stopUnlessFirstPasses && todo[0] === 0;
    const b = await this.sandbox.judgeBatch(todo.map((i) => jobs[i]!), stop);
    if (!b.treeOk) return Promise.all(jobs.map((j, i) => out[i] ?? this.judge(j)));
    for (let k = 0; k < b.results.length; k++) {
      const i = todo[k]!;
      out[i] = { ...b.results[k]!, cached: false };
      await this.cache.put(keys[i]!, b.results[k]!);
    }
    return out;
  }

  async judge(job: RepoJob): Promise<RepoJudgment & { cached: boolean }> {
    const r = await this.cache.getOrJudge(this.keyOf(job), () => this.sandbox.judge(job));
    return { ...r.value, cached: r.cached };
  }
}
