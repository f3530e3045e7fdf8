import type { ExecResult, Sandbox, SyntaxResult } from '../sandbox/types.js';
import { JudgmentCache, judgmentKey } from '../sandbox/judgment-cache.js';

/**
 * Judges identical code against the same tests in the same environment once, under the one cache
 * policy of src/sandbox/judgment-cache.ts (timeouts and sandbox deaths are judged again in a later
 * run). A judgment the sandbox failed throws (InfraError) and leaves nothing behind.
 */
export class ExecCache {
  private readonly execs: JudgmentCache<ExecResult>;
  private readonly syntaxes: JudgmentCache<SyntaxResult>;

  constructor(private readonly sandbox: Sandbox, dir?: string) {
    this.execs = new JudgmentCache<ExecResult>('exec', dir, 'exec');
    this.syntaxes = new JudgmentCache<SyntaxResult>('syntax', dir, 'syntax');
  }

  get stats(): { judged: number; hits: number; syntaxChecks: number; syntaxHits: number } {
    return { judged: this.execs.stats.judged, hits: this.execs.stats.hits, syntaxChecks: this.syntaxes.stats.judged, syntaxHits: this.syntaxes.stats.hits };
  }

  async unittest(program: string, test: string, timeoutS: number): Promise<ExecResult> {
    const key = judgmentKey('unittest', this.sandbox.environmentId(), String(timeoutS), program, test);
    return (await this.execs.getOrJudge(key, () => this.sandbox.runUnittest({ solution: program, test, timeoutS }))).value;
  }

  async syntax(code: string): Promise<SyntaxResult> {
    const key = judgmentKey('syntax', this.sandbox.environmentId(), code);
    return (await this.syntaxes.getOrJudge(key, () => this.sandbox.checkSyntax(code))).value;
  }
}
