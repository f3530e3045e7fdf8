import { InfraError } from '../util/errors.js';
import type { SlotPool } from './pool.js';
import type { CheckItem, CheckResult, ExecResult, ExecStatus, Sandbox, SyntaxResult, UnittestJob } from './types.js';

/** Seconds the host waits beyond a job's own limit before it declares the judge hung. */
const WATCHDOG_MARGIN_S = 20;

/** Sandbox behaviour shared by every backend that runs judge.py servers in a slot pool. */
export abstract class JudgeSandbox implements Sandbox {
  abstract readonly kind: 'docker' | 'local';
  protected abstract pool: SlotPool;
  private started?: Promise<void>;
  /** Why slots were replaced (reason -> count): a sandbox that resets cleanly keeps this empty. */
  readonly replacements: Record<string, number> = {};

  private noteUnclean(r: Record<string, unknown>): boolean {
    if (r.clean === true) return true;
    const why = typeof r.unclean === 'string' ? r.unclean.replace(/\d+/g, 'N') : 'unclean reset';
    this.replacements[why] = (this.replacements[why] ?? 0) + 1;
    return false;
  }

  start(): Promise<void> {
    this.started ??= this.pool.start();
    return this.started;
  }

  abstract environmentId(): string;

  async runUnittest(job: UnittestJob): Promise<ExecResult> {
    await this.start();
    const watchdogMs = (job.timeoutS + 1 + WATCHDOG_MARGIN_S) * 1000;
    const t0 = performance.now();
    return this.pool.with(async (slot) => {
      try {
        const r = await slot.conn.request(
          { kind: 'unittest', solution: job.solution, test: job.test, timeout: job.timeoutS, fresh: !!job.fresh },
          watchdogMs,
        );
        if (typeof r.error === 'string' && !r.status) throw new InfraError('JUDGE_ERROR', r.error);
        return { value: toExecResult(r), clean: this.noteUnclean(r) };
      } catch (err) {
        if (!(err instanceof InfraError) || err.code === 'JUDGE_ERROR') throw err;
        // The judged code took its judge down with it (or hung it): that is the code's outcome.
        const hung = err.code === 'JUDGE_UNRESPONSIVE';
        const oom = (await slot.oomKilled?.().catch(() => false)) ?? false;
        const value: ExecResult = {
          status: hung ? 'timeout' : 'fail',
          details: { ALL: hung ? `Timed out: the judge did not answer (${err.message})` : `The sandbox died while judging: ${err.message}` },
          tests: [], compatOrder: [], timedOut: hung, oom, durationMs: performance.now() - t0,
        };
        return { value, clean: false };
      }
    });
  }

  async runChecks(items: CheckItem[], opts: { fresh?: boolean } = {}): Promise<CheckResult[]> {
    if (items.length === 0) return [];
    await this.start();
    const watchdogMs = (items.reduce((s, i) => s + i.timeoutS + 1, 0) + WATCHDOG_MARGIN_S) * 1000;
    const batch = await this.pool.with<CheckResult[] | null>(async (slot) => {
      try {
        const r = await slot.conn.request(
          { kind: 'checks', items: items.map((i) => ({ code: i.code, timeout: i.timeoutS })), fresh: !!opts.fresh },
          watchdogMs,
        );
        const results = r.results as CheckResult[] | undefined;
        if (!Array.isArray(results) || results.length !== items.length) {
          throw new InfraError('JUDGE_PROTOCOL', `judge answered ${String(results?.length)} results for ${items.length} checks`);
        }
        return { value: results, clean: this.noteUnclean(r) };
      } catch (err) {
        if (!(err instanceof InfraError) || err.code === 'JUDGE_PROTOCOL') throw err;
        if (items.length > 1) return { value: null, clean: false };
        return { value: [{ ok: false, timedOut: err.code === 'JUDGE_UNRESPONSIVE', error: err.message, durationMs: 0 }], clean: false };
      }
    });
    if (batch) return batch;
    // A snippet took its judge down: judge the batch one by one so only that snippet is marked.
    const each = await Promise.all(items.map((i) => this.runChecks([i], opts)));
    return each.flat();
  }

  async checkSyntax(code: string): Promise<SyntaxResult> {
    await this.start();
    return this.pool.with(async (slot) => {
      const r = await slot.conn.request({ kind: 'syntax', code }, (10 + WATCHDOG_MARGIN_S) * 1000);
      return { value: { ok: r.ok === true, ...(r.ok === true ? {} : { error: String(r.error ?? '') }) }, clean: this.noteUnclean(r) };
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function toExecResult(r: Record<string, unknown>): ExecResult {
  const status = r.status as ExecStatus;
  return {
    status: status === 'pass' || status === 'timeout' ? status : 'fail',
    details: (r.details as Record<string, string>) ?? {},
    tests: (r.tests as string[]) ?? [],
    compatOrder: (r.compatOrder as string[]) ?? [],
    timedOut: r.timedOut === true,
    oom: r.oom === true,
    durationMs: typeof r.durationMs === 'number' ? r.durationMs : 0,
  };
}
