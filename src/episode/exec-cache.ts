import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult, Sandbox, SyntaxResult } from '../sandbox/types.js';
import { appendJsonl, readJsonlTolerant, repairJsonlTail } from '../util/jsonl.js';

type Entry = { key: string; exec?: ExecResult; syntax?: SyntaxResult };

/**
 * Judges identical code against the same tests in the same environment once: results are kept in
 * memory and appended to a JSONL file, so a later run (any directory) reuses them too. Only
 * verdicts are stored: a judgment the sandbox failed throws (InfraError) and leaves nothing behind.
 */
export class ExecCache {
  private readonly map = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  readonly stats = { judged: 0, hits: 0, syntaxChecks: 0, syntaxHits: 0 };
  private readonly file?: string;

  constructor(private readonly sandbox: Sandbox, dir?: string) {
    if (!dir) return;
    for (const f of safeList(dir)) {
      if (!f.endsWith('.jsonl')) continue;
      repairJsonlTail(join(dir, f));
      for (const e of readJsonlTolerant<Entry>(join(dir, f))) {
        if (e.exec && lostSandboxVerdict(e.exec)) continue;
        this.map.set(e.key, { ...this.map.get(e.key), ...e });
      }
    }
    this.file = join(dir, `exec-${process.pid}-${Date.now().toString(36)}.jsonl`);
  }

  async unittest(program: string, test: string, timeoutS: number): Promise<ExecResult> {
    const key = hash('unittest', this.sandbox.environmentId(), String(timeoutS), program, test);
    const hit = this.map.get(key)?.exec;
    if (hit) { this.stats.hits++; return hit; }
    return this.once(key, async () => {
      const exec = await this.sandbox.runUnittest({ solution: program, test, timeoutS });
      this.stats.judged++;
      await this.store({ key, exec });
      return exec;
    });
  }

  async syntax(code: string): Promise<SyntaxResult> {
    const key = hash('syntax', this.sandbox.environmentId(), code);
    const hit = this.map.get(key)?.syntax;
    if (hit) { this.stats.syntaxHits++; return hit; }
    return this.once(key, async () => {
      const syntax = await this.sandbox.checkSyntax(code);
      this.stats.syntaxChecks++;
      await this.store({ key, syntax });
      return syntax;
    });
  }

  /** Concurrent requests for the same key share one judgment. */
  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) { this.stats.hits++; return running; }
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async store(e: Entry): Promise<void> {
    this.map.set(e.key, e);
    if (this.file) await appendJsonl(this.file, e);
  }
}

/**
 * Entries written before infrastructure failures stopped being verdicts: a judge killed from outside
 * was recorded as the code's `fail`. They are judged again.
 */
function lostSandboxVerdict(e: ExecResult): boolean {
  return !e.oom && (e.details.ALL ?? '').startsWith('The sandbox died while judging');
}

const hash = (...parts: string[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p.length)).update(':').update(p);
  return h.digest('hex');
};

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
