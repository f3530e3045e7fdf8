import { InfraError } from '../util/errors.js';
import type { Slot, SlotPool } from './pool.js';
import { checkTimeLimit } from './time-limit.js';
import type { CheckItem, CheckOptions, CheckResult, ExecResult, ExecStatus, Sandbox, SyntaxResult, UnittestJob } from './types.js';

/** Seconds the host waits beyond a job's own limit before it declares the judge hung. */
const WATCHDOG_MARGIN_S = 20;

/** Tries of one judgment when the sandbox itself fails (each on a fresh slot) before the run stops. */
export const SANDBOX_ATTEMPTS = 3;

/** The slot died under a judgment for a reason outside the judged code (killed, engine trouble). */
class SlotLost extends Error {
  constructor(readonly infra: InfraError) {
    super(infra.message);
  }
}

/**
 * Whether a failed request lost its slot to the infrastructure: the judged code cannot kill its
 * judge (the containment tests show it), so a judge that is gone without an OOM kill was killed
 * from outside. An OOM kill is the code's doing; a hang is judged as a timeout.
 */
async function lostToInfra(err: unknown, slot: Slot): Promise<{ lost: true } | { lost: false; oom: boolean }> {
  if (!(err instanceof InfraError) || err.code !== 'JUDGE_GONE') return { lost: false, oom: false };
  const oom = (await slot.oomKilled?.().catch(() => false)) ?? false;
  return oom ? { lost: false, oom } : { lost: true };
}

/** Sandbox behaviour common to every backend that runs judge.py servers in a slot pool. */
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
    // A failed start is not kept: once the engine is back, the next call starts the pool again.
    this.started ??= this.pool.start().catch((err: unknown) => { this.started = undefined; throw err; });
    return this.started;
  }

  abstract environmentId(): string;

  /** Why this sandbox cannot judge now (no slot could be started), if so. */
  unavailable(): Error | undefined {
    return this.pool.unavailable;
  }

  /** Starts missing slots again (after the engine came back); true when it can judge. */
  async recover(): Promise<boolean> {
    await this.start().catch(() => undefined);
    return this.pool.refill();
  }

  /** Runs fn on a slot; a slot lost to the infrastructure is replaced and fn tried again, a bounded number of times. */
  private async withRetry<T>(what: string, fn: (slot: Slot) => Promise<{ value: T; clean: boolean }>): Promise<T> {
    let last: InfraError | undefined;
    for (let attempt = 1; attempt <= SANDBOX_ATTEMPTS; attempt++) {
      try {
        return await this.pool.with(async (slot) => {
          try {
            return await fn(slot);
          } catch (err) {
            if ((await lostToInfra(err, slot)).lost) throw new SlotLost(err as InfraError);
            throw err;
          }
        });
      } catch (err) {
        if (!(err instanceof SlotLost)) throw err;
        last = err.infra;
        this.replacements['sandbox lost (retried)'] = (this.replacements['sandbox lost (retried)'] ?? 0) + 1;
      }
    }
    throw new InfraError(
      'SANDBOX_LOST',
      `the sandbox failed ${SANDBOX_ATTEMPTS} times in a row while running ${what} (${last?.message}); nothing was recorded for it. ` +
        'Check the Docker engine (docker ps -a, dmesg), then rerun the same command: it resumes',
      { cause: last },
    );
  }

  async runUnittest(job: UnittestJob): Promise<ExecResult> {
    checkTimeLimit(job.timeoutS, 'a judgment\'s time limit (--timeout)');
    await this.start();
    const watchdogMs = (job.timeoutS + 1 + WATCHDOG_MARGIN_S) * 1000;
    const t0 = performance.now();
    return this.withRetry('a unittest judgment', async (slot) => {
      try {
        const r = await slot.conn.request(
          { kind: 'unittest', solution: job.solution, test: job.test, timeout: job.timeoutS, fresh: !!job.fresh },
          watchdogMs,
        );
        if (typeof r.error === 'string' && !r.status) throw new InfraError('JUDGE_ERROR', r.error);
        return { value: toExecResult(r), clean: this.noteUnclean(r) };
      } catch (err) {
        if (!(err instanceof InfraError) || err.code === 'JUDGE_ERROR') throw err;
        const why = await lostToInfra(err, slot);
        if (why.lost) throw err;
        // The judged code hung its judge or ran it out of memory: that is the code's outcome.
        const hung = err.code === 'JUDGE_UNRESPONSIVE';
        const oom = why.oom;
        const value: ExecResult = {
          status: hung ? 'timeout' : 'fail',
          details: { ALL: hung ? `Timed out: the judge did not answer (${err.message})` : `The sandbox died while judging: ${err.message}` },
          tests: [], compatOrder: [], timedOut: hung, oom, durationMs: performance.now() - t0,
        };
        return { value, clean: false };
      }
    });
  }

  async runChecks(items: CheckItem[], opts: CheckOptions = {}): Promise<CheckResult[]> {
    if (items.length === 0) return [];
    for (const i of items) checkTimeLimit(i.timeoutS, 'a check\'s time limit');
    await this.start();
    const watchdogMs = (items.reduce((s, i) => s + i.timeoutS + 1, 0) + WATCHDOG_MARGIN_S) * 1000;
    const batch = await this.withRetry<CheckResult[] | null>(`${items.length} check${items.length > 1 ? 's' : ''}`, async (slot) => {
      try {
        const r = await slot.conn.request(
          { kind: 'checks', items: items.map((i) => ({ code: i.code, timeout: i.timeoutS })), fresh: !!opts.fresh, ...(opts.hashSeed !== undefined ? { hashSeed: opts.hashSeed } : {}) },
          watchdogMs,
        );
        const results = r.results as CheckResult[] | undefined;
        if (!Array.isArray(results) || results.length !== items.length) {
          throw new InfraError('JUDGE_PROTOCOL', `judge answered ${String(results?.length)} results for ${items.length} checks`);
        }
        return { value: results, clean: this.noteUnclean(r) };
      } catch (err) {
        if (!(err instanceof InfraError) || err.code === 'JUDGE_PROTOCOL') throw err;
        if ((await lostToInfra(err, slot)).lost) throw err;
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
    return this.withRetry('a syntax check', async (slot) => {
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
