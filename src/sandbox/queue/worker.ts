import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { parseOptions } from '../../util/options.js';
import { createSandbox } from '../index.js';
import { SandboxOptionsSchema } from '../options.js';
import type { Sandbox } from '../types.js';
import { connect, redisOptions } from './link.js';
import {
  cacheKey, envFromId, HEARTBEAT_MS, JobDataSchema, PREFIX, QUEUE_FORMAT, queueName, WORKER_TTL_S, workerKey,
  type CachedResult, type QueueEnv, type Work, type WorkerInfo,
} from './protocol.js';
import { parseQueueUrl, type QueueUrl } from './url.js';

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
});
export type WorkerOptions = z.input<typeof WorkerOptionsSchema>;

export interface QueueWorkerOptions {
  url: string;
  /** The worker's own sandbox pool (docker or local); its slots are the jobs judged at once. */
  sandbox: Sandbox & { kind: 'docker' | 'local' };
  slots: number;
  /** See WorkerOptionsSchema. */
  lockMs?: number;
  log?: (line: string) => void;
}

/** Starts a worker on its own sandbox pool (closed again when the start fails); it serves until closed. */
export async function startWorker(input: WorkerOptions, log?: (line: string) => void): Promise<QueueWorker> {
  const o = parseOptions(WorkerOptionsSchema, input);
  const sandbox = createSandbox({ kind: o.sandbox, parallel: o.parallel, docker: { image: o.image, memoryMb: o.memoryMb } }) as Sandbox & { kind: 'docker' | 'local' };
  const worker = new QueueWorker({ url: o.queue, sandbox, slots: o.parallel, lockMs: o.lockMs, ...(log ? { log } : {}) });
  try {
    await worker.start();
  } catch (err) {
    await sandbox.close().catch(() => undefined);
    throw err;
  }
  return worker;
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
    this.worker = new Worker(queueName(this.env), (job: Job) => this.process(job), {
      // One job per slot in reserve: a slot that frees up starts the next judgment without a round trip.
      connection: redisOptions(this.url), prefix: PREFIX, concurrency: this.opts.slots * 2,
      lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 3,
    });
    this.worker.on('error', (e) => this.log(`queue error: ${e.message}`));
    await this.worker.waitUntilReady();
    this.log(`${this.id}: ${this.opts.slots} ${this.opts.sandbox.kind} slots, image ${this.env.image}, judge ${this.env.judge}, serving ${this.url.display}`);
  }

  private async process(job: Job): Promise<null> {
    const parsed = JobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a format-${QUEUE_FORMAT} judgment: ${parsed.error.issues[0]?.message}`);
    const data = parsed.data;
    // Queues are per environment, so this only trips on a hand-made job: never judge in the wrong one.
    if (data.env !== this.env!.id) throw new UnrecoverableError(`job needs ${data.env}, this worker has ${this.env!.id}`);
    this.busy++;
    try {
      const value = await this.judge(data.work);
      const entry: CachedResult = { format: QUEUE_FORMAT, by: this.id, value };
      // The result goes to the shared cache before the job completes: a completed job always has one.
      await this.redis!.set(cacheKey(data.key), JSON.stringify(entry));
      this.judged++;
      return null;
    } finally {
      this.busy--;
    }
  }

  private judge(w: Work): Promise<unknown> {
    const sb = this.opts.sandbox;
    if (w.kind === 'unittest') return sb.runUnittest({ solution: w.solution, test: w.test, timeoutS: w.timeoutS, fresh: w.fresh });
    if (w.kind === 'checks') return sb.runChecks(w.items, { fresh: w.fresh });
    return sb.checkSyntax(w.code);
  }

  private async announce(): Promise<void> {
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
    clearInterval(this.beat);
    await this.worker?.close().catch(() => undefined);
    await this.redis?.del(workerKey(this.id)).catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
    await this.opts.sandbox.close();
  }
}
