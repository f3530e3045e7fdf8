import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { parseOptions } from '../../util/options.js';
import { SandboxOptionsSchema } from '../options.js';
import type { Sandbox } from '../types.js';
import { InfraError, errorMessage } from '../../util/errors.js';
import { reusableAcrossRuns } from '../judgment-cache.js';
import { connect, redisOptions, serverTimeMs } from './link.js';
import {
  cacheKey, envFromId, HEARTBEAT_MS, JobDataSchema, ONE_RUN_RESULT_TTL_S, PREFIX, QUEUE_FORMAT, queueName, WORKER_TTL_S, workerKey,
  type CachedResult, type QueueEnv, type Work, type WorkerInfo,
} from './protocol.js';
import { parseQueueUrl, type QueueUrl } from './url.js';
import { envText } from './workers.js';

/** Options of run-worker; the defaults are the command's. */
export const WorkerOptionsSchema = z.object({
  /** The Redis queue: redis://[:password@]host:port[/db] or rediss://... */
  queue: z.string().min(1),
  /** Sandbox slots on this machine, jobs judged at once. */
  parallel: SandboxOptionsSchema.shape.parallel,
  sandbox: z.enum(['docker', 'local']).default('docker'),
  /** Takes only jobs that name this image (default: the tag built from envs/bigcodebench). */
  image: z.string().min(1).optional(),
  memoryMb: z.number().int().positive().optional(),
  /** Lock on a job in judgment; a killed worker's job goes back to the queue when it expires. */
  lockMs: z.number().int().positive().default(30_000),
  /** No line when the worker starts serving (warnings and errors are still written). */
  quiet: z.boolean().default(false),
});
export type WorkerOptions = z.input<typeof WorkerOptionsSchema>;

/** A worker judges in a docker or local pool of its own. */
export type WorkerSandbox = Sandbox & { kind: 'docker' | 'local'; recover?: () => Promise<boolean> };

export interface QueueWorkerOptions {
  url: string;
  /** The worker's own sandbox pool (docker or local); its slots are the jobs judged at once. */
  sandbox: WorkerSandbox;
  /** How often a worker that cannot judge tries its sandbox again (default 5 s). */
  probeMs?: number;
  slots: number;
  /** See WorkerOptionsSchema. */
  lockMs?: number;
  /** See WorkerOptionsSchema. */
  quiet?: boolean;
  log?: (line: string) => void;
}

/** Starts a worker on its own sandbox pool, built by the caller (closed again when the start fails); it serves until closed. */
export async function startWorker(input: WorkerOptions, sandbox: WorkerSandbox, log?: (line: string) => void): Promise<QueueWorker> {
  try {
    const o = parseOptions(WorkerOptionsSchema, input);
    const worker = new QueueWorker({ url: o.queue, sandbox, slots: o.parallel, lockMs: o.lockMs, quiet: o.quiet, ...(log ? { log } : {}) });
    await worker.start();
    return worker;
  } catch (err) {
    await sandbox.close().catch(() => undefined);
    throw err;
  }
}

/** A running worker: takes jobs of its own environment's queue and judges them in its local sandbox. */
export class QueueWorker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly url: QueueUrl;
  env?: QueueEnv;
  private redis?: Redis;
  private worker?: Worker;
  private beat?: NodeJS.Timeout;
  private busy = 0;
  private judged = 0;
  /** Why the sandbox cannot judge now; while set, no job is taken and the worker is not announced. */
  private suspended?: string;
  private probe?: NodeJS.Timeout;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: QueueWorkerOptions) {
    this.url = parseQueueUrl(opts.url);
    this.log = opts.log ?? ((l) => process.stderr.write(`run-worker: ${l}\n`));
  }

  /** Starts the sandbox first: a worker that cannot judge (no Docker, no image) never takes a job. */
  async start(): Promise<void> {
    await this.opts.sandbox.start();
    this.env = envFromId(this.opts.sandbox.environmentId());
    this.redis = await connect(this.url, 10_000);
    this.redis.on('error', () => undefined);
    await this.announce();
    this.beat = setInterval(() => void this.announce().catch(() => undefined), HEARTBEAT_MS);
    const lockMs = WorkerOptionsSchema.shape.lockMs.parse(this.opts.lockMs);
    this.worker = new Worker(queueName(this.env), (job: Job, token?: string) => this.process(job, token), {
      // One job per slot in reserve: a slot that frees up starts the next judgment without a round trip.
      connection: redisOptions(this.url), prefix: PREFIX, concurrency: this.opts.slots * 2,
      lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 3,
    });
    this.worker.on('error', (e) => this.log(`queue error: ${e.message}`));
    await this.worker.waitUntilReady();
    if (!this.opts.quiet) this.log(`${this.id}: ${this.opts.slots} ${this.opts.sandbox.kind} slots, ${envText(this.env)}, serving ${this.url.display}`);
  }

  private async process(job: Job, token?: string): Promise<null> {
    const parsed = JobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a format-${QUEUE_FORMAT} judgment: ${parsed.error.issues[0]?.message}`);
    const data = parsed.data;
    // Queues are per environment, so this only trips on a hand-made job: never judge in the wrong one.
    if (data.env !== this.env!.id) throw new UnrecoverableError(`job needs ${data.env}, this worker has ${this.env!.id}`);
    if (this.suspended) return this.handBack(job, token);
    this.busy++;
    try {
      const value = await this.judge(data.work);
      const entry: CachedResult = { format: QUEUE_FORMAT, by: this.id, at: await serverTimeMs(this.redis!), value };
      // The result goes to the Redis cache before the job completes: a completed job always has one.
      // Outcomes of the moment are kept only for the run waiting on them (src/sandbox/judgment-cache.ts).
      if (reusableAcrossRuns(value)) await this.redis!.set(cacheKey(data.key), JSON.stringify(entry));
      else await this.redis!.set(cacheKey(data.key), JSON.stringify(entry), 'EX', ONE_RUN_RESULT_TTL_S);
      this.judged++;
      return null;
    } catch (err) {
      if (!cannotJudge(err)) throw err;
      this.suspend(errorMessage(err));
      return this.handBack(job, token);
    } finally {
      this.busy--;
    }
  }

  /** Puts a job back for another worker (or this one, later) without spending one of its attempts. */
  private async handBack(job: Job, token?: string): Promise<never> {
    await job.moveToDelayed(Date.now() + 1000, token);
    throw new DelayedError();
  }

  /** The sandbox cannot judge (engine gone): stop taking jobs, withdraw the announcement, probe until it is back. */
  private suspend(why: string): void {
    if (this.suspended) return;
    this.suspended = why;
    void this.worker?.pause(true).catch(() => undefined);
    void this.redis?.del(workerKey(this.id)).catch(() => undefined);
    const probeMs = this.opts.probeMs ?? 5000;
    this.log(`cannot judge (${why}); not taking jobs until the sandbox works again, retrying every ${probeMs / 1000} s`);
    const tryAgain = async (): Promise<void> => {
      const ok = await (this.opts.sandbox.recover?.() ?? Promise.resolve(false)).catch(() => false);
      if (this.closing) return;
      if (!ok) { this.probe = setTimeout(() => void tryAgain(), probeMs); return; }
      this.suspended = undefined;
      await this.announce().catch(() => undefined);
      this.worker?.resume();
      this.log('the sandbox works again: taking jobs');
    };
    this.probe = setTimeout(() => void tryAgain(), probeMs);
  }

  private closing = false;

  private judge(w: Work): Promise<unknown> {
    const sb = this.opts.sandbox;
    if (w.kind === 'unittest') return sb.runUnittest({ solution: w.solution, test: w.test, timeoutS: w.timeoutS, fresh: w.fresh });
    if (w.kind === 'checks') return sb.runChecks(w.items, { fresh: w.fresh, ...(w.hashSeed !== undefined ? { hashSeed: w.hashSeed } : {}) });
    return sb.checkSyntax(w.code);
  }

  private async announce(): Promise<void> {
    if (this.suspended) return;
    const env = this.env!;
    const info: WorkerInfo = {
      format: QUEUE_FORMAT, id: this.id, host: hostname(), pid: process.pid, slots: this.opts.slots, sandbox: this.opts.sandbox.kind,
      env: env.id, image: env.image, judge: env.judge, busy: Math.min(this.busy, this.opts.slots), judged: this.judged,
    };
    await this.redis!.set(workerKey(this.id), JSON.stringify(info), 'EX', WORKER_TTL_S);
  }

  get counts(): { busy: number; judged: number } {
    return { busy: this.busy, judged: this.judged };
  }

  /** Finishes the jobs in hand, then leaves: the announcement is withdrawn and the sandbox closed. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.probe);
    clearInterval(this.beat);
    await this.worker?.close().catch(() => undefined);
    await this.redis?.del(workerKey(this.id)).catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
    await this.opts.sandbox.close();
  }
}

/** Errors that say the sandbox cannot judge at all (no slot starts, slots keep being lost), not this job's. */
function cannotJudge(err: unknown): boolean {
  return err instanceof InfraError && ['SANDBOX_START', 'SANDBOX_LOST', 'NO_DOCKER', 'JUDGE_START'].includes(err.code);
}
