import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Version of the job, result and announcement formats below; workers and coordinators must agree. */
export const QUEUE_FORMAT = 1;
/** BullMQ key prefix and the prefix of this project's own keys. */
export const PREFIX = 'codeconv';

/** Execution environment a job needs: the sandbox image (or local interpreter) and the judge version. */
export interface QueueEnv {
  /** Sandbox environmentId(): docker:<image>:judge-<hash> or local:<python>:<version>:judge-<hash>. */
  id: string;
  image: string;
  judge: string;
}

export function envFromId(id: string): QueueEnv {
  const m = /^(?:docker|local):(.*):judge-([0-9a-f]+)$/.exec(id);
  return { id, image: m?.[1] ?? id, judge: m?.[2] ?? '?' };
}

/** One queue per environment: a worker only ever sees the jobs it can judge. */
export function queueName(env: QueueEnv): string {
  return `judge-${createHash('sha256').update(env.id).digest('hex').slice(0, 16)}`;
}

const CheckItemSchema = z.object({ code: z.string(), timeoutS: z.number().positive() });

export const JobDataSchema = z.object({
  format: z.literal(QUEUE_FORMAT),
  env: z.string(),
  /** Key of the shared execution cache entry the worker fills. */
  key: z.string(),
  work: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('unittest'), solution: z.string(), test: z.string(), timeoutS: z.number().positive(), fresh: z.boolean().optional() }),
    z.object({ kind: z.literal('checks'), items: z.array(CheckItemSchema), fresh: z.boolean().optional() }),
    z.object({ kind: z.literal('syntax'), code: z.string() }),
  ]),
});
export type JobData = z.infer<typeof JobDataSchema>;
export type Work = JobData['work'];

/** Shared execution cache key: same work in the same environment is judged once across machines and runs. */
export function workKey(env: QueueEnv, work: Work): string {
  const h = createHash('sha256');
  for (const p of [String(QUEUE_FORMAT), env.id, JSON.stringify(work)]) h.update(String(p.length)).update(':').update(p);
  return h.digest('hex');
}

export const cacheKey = (key: string): string => `${PREFIX}:exec:${key}`;

/** A stored result: format version, which worker judged it, and the value the Sandbox method returns. */
export interface CachedResult {
  format: typeof QUEUE_FORMAT;
  by: string;
  value: unknown;
}

export const WorkerInfoSchema = z.object({
  format: z.literal(QUEUE_FORMAT),
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  slots: z.number().int().positive(),
  sandbox: z.enum(['docker', 'local']),
  env: z.string(),
  image: z.string(),
  judge: z.string(),
  busy: z.number().int().min(0),
  judged: z.number().int().min(0),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;

/** Worker announcements expire unless renewed, so a killed worker drops out of the list by itself. */
export const workerKey = (id: string): string => `${PREFIX}:worker:${id}`;
export const WORKER_TTL_S = 10;
export const HEARTBEAT_MS = 2000;
