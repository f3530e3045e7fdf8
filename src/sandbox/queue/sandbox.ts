import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { InfraError } from '../../util/errors.js';
import type { CheckItem, CheckOptions, CheckResult, ExecResult, Sandbox, SyntaxResult, UnittestJob } from '../types.js';
import { connect, LinkWatch, redisOptions, serverTimeMs } from './link.js';
import { reusableAcrossRuns } from '../judgment-cache.js';
import { checkTimeLimit } from '../time-limit.js';
import { cacheKey, CachedResultSchema, PREFIX, QUEUE_FORMAT, queueName, RESULT_SCHEMAS, workKey, type JobData, type QueueEnv, type Work } from './protocol.js';
import { parseQueueUrl, type QueueUrl } from './url.js';
import { envText, listWorkers, mismatchLines, splitWorkers, workersSummary } from './workers.js';

export interface QueueSandboxOptions {
  /** redis://[:password@]host:port[/db] or rediss://... */
  url: string;
  /** Where the URL came from, for error messages (an option or a config file key). */
  source?: string;
  /** Environment every job names; only workers with exactly this one take them. */
  env: QueueEnv;
  /** How long Redis may be unreachable before the run stops (default 10 s). */
  lostAfterMs?: number;
  /** Where notices go (mismatched workers, no worker, the closing tally); default stderr. */
  notice?: (line: string) => void;
}

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void; work: Work; postedAt?: number; queued?: boolean };

/** How often the jobs this run waits for are looked up in Redis (a flushed or restarted server loses them). */
const AUDIT_MS = 3000;


/**
 * Judgments as BullMQ jobs served by `run-worker` processes: this process never runs code itself.
 * Results come back through the execution cache in Redis, so work already judged by any
 * worker for any run is not queued again.
 */
export class QueueSandbox implements Sandbox {
  readonly kind = 'queue' as const;
  readonly url: QueueUrl;
  readonly stats = { submitted: 0, judgedByWorkers: 0, redisCacheHits: 0, requeued: 0, badCacheEntries: 0 };
  private started?: Promise<void>;
  private redis?: Redis;
  private queue?: Queue;
  private events?: QueueEvents;
  private watch?: LinkWatch;
  private monitor?: NodeJS.Timeout;
  private audit?: NodeJS.Timeout;
  private auditing = false;
  private broken?: InfraError;
  private readonly waiters = new Map<string, Waiter>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private workersText = 'workers ?';
  private lastNotice = '';
  private readonly notice: (line: string) => void;

  constructor(private readonly opts: QueueSandboxOptions) {
    this.url = parseQueueUrl(opts.url, opts.source);
    this.notice = opts.notice ?? ((l) => process.stderr.write(`queue: ${l}\n`));
  }

  environmentId(): string {
    return this.opts.env.id;
  }

  /** Workers serving this run, for the progress line. */
  status(): string {
    return this.workersText;
  }

  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<void> {
    const lostAfterMs = this.opts.lostAfterMs ?? 10_000;
    this.redis = await connect(this.url, lostAfterMs);
    const name = queueName(this.opts.env);
    this.queue = new Queue(name, { connection: redisOptions(this.url), prefix: PREFIX });
    this.events = new QueueEvents(name, { connection: redisOptions(this.url), prefix: PREFIX });
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId }) => void this.onCompleted(jobId));
    this.events.on('failed', ({ jobId, failedReason }) => {
      this.settle(jobId, undefined, new InfraError('QUEUE_JOB_FAILED', `a worker could not judge job ${jobId.slice(0, 12)}: ${failedReason}`));
    });
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    const clients = [this.redis, await this.queue.client, await this.events.client];
    this.watch = new LinkWatch(clients, lostAfterMs, (why) => this.lose(why));
    await this.refreshWorkers();
    this.monitor = setInterval(() => void this.refreshWorkers().catch(() => undefined), 2000);
    this.monitor.unref();
    this.audit = setInterval(() => void this.auditJobs().catch(() => undefined), AUDIT_MS);
    this.audit.unref();
  }

  async runUnittest(job: UnittestJob): Promise<ExecResult> {
    checkTimeLimit(job.timeoutS, 'a judgment\'s time limit (--timeout)');
    const work: Work = { kind: 'unittest', solution: job.solution, test: job.test, timeoutS: job.timeoutS, ...(job.fresh ? { fresh: true } : {}) };
    return (await this.submit(work)) as ExecResult;
  }

  async runChecks(items: CheckItem[], opts: CheckOptions = {}): Promise<CheckResult[]> {
    if (items.length === 0) return [];
    for (const i of items) checkTimeLimit(i.timeoutS, 'a check\'s time limit');
    const work: Work = { kind: 'checks', items: items.map((i) => ({ code: i.code, timeoutS: i.timeoutS })), ...(opts.fresh ? { fresh: true } : {}), ...(opts.hashSeed !== undefined ? { hashSeed: opts.hashSeed } : {}) };
    return (await this.submit(work)) as CheckResult[];
  }

  async checkSyntax(code: string): Promise<SyntaxResult> {
    return (await this.submit({ kind: 'syntax', code })) as SyntaxResult;
  }

  /** Identical work asked twice by this process shares one job. */
  private async submit(work: Work): Promise<unknown> {
    await this.start();
    if (this.broken) throw this.broken;
    const key = workKey(this.opts.env, work);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.enqueue(key, work).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private enqueue(key: string, work: Work): Promise<unknown> {
    this.stats.submitted++;
    // Listen before looking: a job finishing between the look and the add is still heard.
    const result = new Promise<unknown>((resolve, reject) => this.waiters.set(key, { resolve, reject, work }));
    // Redis calls wait while the server is away; the link watch then settles the waiter instead.
    this.post(key, work).catch((err: Error) => {
      this.settle(key, undefined, this.broken ?? new InfraError('QUEUE_ERROR', `queue ${this.url.display}: ${err.message}`));
    });
    return result;
  }

  private async post(key: string, work: Work): Promise<void> {
    const cached = await this.readCache(key, work.kind);
    // Outcomes of the moment (timeouts, sandbox deaths) are judged again: see src/sandbox/judgment-cache.ts.
    if (cached && reusableAcrossRuns(cached.value)) {
      if (this.settle(key, cached.value)) this.stats.redisCacheHits++;
      return;
    }
    const w = this.waiters.get(key);
    if (w) { w.postedAt = await serverTimeMs(this.redis!); w.queued = false; }
    const data: JobData = { format: QUEUE_FORMAT, env: this.opts.env.id, key, work };
    // The cache key is the job id: a job another coordinator (or an earlier run) queued is joined, not repeated.
    // Finished jobs are dropped at once (their result lives in the cache), so Redis holds only pending work.
    await this.queue!.add(work.kind, data, {
      jobId: key, attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: true,
    });
    if (w) w.queued = true;
    // An identical job that completed before this add is not run again by BullMQ: its result is cached.
    if (!this.waiters.has(key)) return;
    const late = await this.readCache(key, work.kind);
    if (late && this.fresh(key, late) && this.settle(key, late.value)) this.stats.redisCacheHits++;
  }

  /** A result this run may take for a job it waits on: reusable, or written after the job was posted. */
  private fresh(key: string, c: { value: unknown; at?: number }): boolean {
    if (reusableAcrossRuns(c.value)) return true;
    const posted = this.waiters.get(key)?.postedAt;
    return posted !== undefined && c.at !== undefined && c.at >= posted;
  }

  private async onCompleted(jobId: string): Promise<void> {
    const w = this.waiters.get(jobId);
    if (!w) return;
    const c = await this.readCache(jobId, w.work.kind).catch(() => undefined);
    if (c === undefined) {
      this.settle(jobId, undefined, new InfraError('QUEUE_NO_RESULT', `job ${jobId.slice(0, 12)} completed but its result is missing from ${this.url.display}`));
      return;
    }
    if (this.settle(jobId, c.value)) this.stats.judgedByWorkers++;
  }

  /**
   * The cached result of a key, checked against its kind's schema. Anyone with write access to Redis
   * can plant a value; one that is not a well-formed result is a miss (docs/queue.md says who may write).
   */
  private async readCache(key: string, kind: Work['kind']): Promise<{ value: unknown; at?: number } | undefined> {
    const raw = await this.redis!.get(cacheKey(key));
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const c = CachedResultSchema.safeParse(parsed);
    const v = c.success ? RESULT_SCHEMAS[kind].safeParse(c.data.value) : undefined;
    if (!c.success || !v?.success) {
      if (this.stats.badCacheEntries++ === 0) this.notice(`ignored a malformed entry in the Redis cache (${cacheKey(key).slice(0, 28)}...): judged again; see docs/queue.md on who may write to Redis`);
      return undefined;
    }
    return { value: v.data, ...(c.data.at !== undefined ? { at: c.data.at } : {}) };
  }

  /**
   * Looks up the jobs this run waits for. A job that is neither in the queue nor answered in the cache
   * was lost (Redis flushed, or restarted without persistence): it is queued again, and said so.
   */
  private async auditJobs(): Promise<void> {
    if (this.auditing || this.broken || !this.queue) return;
    this.auditing = true;
    try {
      let lost = 0;
      for (const [key, w] of [...this.waiters]) {
        if (!w.queued) continue;
        const state = await this.queue.getJobState(key);
        if (state !== 'unknown') continue;
        const c = await this.readCache(key, w.work.kind);
        if (c && this.fresh(key, c)) {
          if (this.settle(key, c.value)) this.stats.judgedByWorkers++;
          continue;
        }
        if (!this.waiters.has(key)) continue;
        lost++;
        this.stats.requeued++;
        await this.post(key, w.work);
      }
      if (lost) this.notice(`${lost} job${lost === 1 ? ' was' : 's were'} missing from ${this.url.display} (the server lost its data: flushed, or restarted without persistence); queued again`);
    } finally {
      this.auditing = false;
    }
  }

  /** Settles a waiter once; false when it was already settled. */
  private settle(key: string, value: unknown, err?: Error): boolean {
    const w = this.waiters.get(key);
    if (!w) return false;
    this.waiters.delete(key);
    if (err) w.reject(err);
    else w.resolve(value);
    return true;
  }

  private lose(why: string): void {
    this.broken = new InfraError(
      'QUEUE_LOST',
      `lost the Redis queue at ${this.url.display}: ${why}; the run stopped. Start Redis again and rerun the same command to resume`,
    );
    for (const key of [...this.waiters.keys()]) this.settle(key, undefined, this.broken);
  }

  private async refreshWorkers(): Promise<void> {
    if (this.broken || !this.redis) return;
    const view = splitWorkers(await listWorkers(this.redis), this.opts.env);
    this.workersText = workersSummary(view);
    const lines = mismatchLines(view, this.opts.env);
    if (view.matching.length === 0) {
      lines.push(`no worker with ${envText(this.opts.env)} is connected to ${this.url.display}; jobs wait until one is (run-worker --queue <url>)`);
    }
    const text = lines.join('\n');
    if (text && text !== this.lastNotice) for (const l of lines) this.notice(l);
    this.lastNotice = text;
  }

  async close(): Promise<void> {
    clearInterval(this.monitor);
    clearInterval(this.audit);
    this.watch?.stop();
    if (!this.started) return;
    await this.started.catch(() => undefined);
    const s = this.stats;
    if (s.submitted) this.notice(`${s.submitted} judgment${s.submitted === 1 ? '' : 's'} through ${this.url.display}: ${s.judgedByWorkers} judged by workers, ${s.redisCacheHits} from the Redis cache`);
    const quit = async (): Promise<void> => {
      await Promise.allSettled([this.events?.close(), this.queue?.close()]);
      await this.redis?.quit().catch(() => undefined);
    };
    if (this.broken) {
      // Closing politely would wait for a server that is gone.
      for (const c of [this.events, this.queue]) void c?.disconnect().catch(() => undefined);
      this.redis?.disconnect();
      return;
    }
    await quit();
  }
}
