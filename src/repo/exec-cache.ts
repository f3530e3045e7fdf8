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

  async judge(job: RepoJob): Promise<RepoJudgment & { cached: boolean }> {
    const key = createHash('sha256').update(JSON.stringify([this.sandbox.environmentId(), job])).digest('hex');
    const hit = this.map.get(key);
    if (hit) { this.stats.hits++; return { ...hit, cached: true }; }
    let p = this.inflight.get(key);
    if (!p) {
      p = (async () => {
        const j = await this.sandbox.judge(job);
        this.stats.judged++;
        // Timeouts depend on machine load: not kept, so a later run judges again.
        if (!j.timedOut) {
          this.map.set(key, j);
          if (this.file) await appendJsonl(this.file, { key, judgment: j });
        }
        return j;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return { ...(await p), cached: false };
  }
}
