import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_TIMEOUT_S } from '../time-limit.js';

/** Version of the job, result and announcement formats below; workers and coordinators must agree. */
export const QUEUE_FORMAT = 1;
/** BullMQ key prefix and the prefix of this project's own keys. */
export const PREFIX = 'codeconv';

/** Execution environment a job needs: the sandbox image (or local interpreter), the judge version and the limits. */
export interface QueueEnv {
  /** Sandbox environmentId(): docker:<image>:judge-<hash>:<limits> or local:<python>:<version>:judge-<hash>. */
  id: string;
  image: string;
  judge: string;
  /** Container limits that can change a verdict (memory, CPUs, ...); "" for the local sandbox. */
  limits: string;
}

export function envFromId(id: string): QueueEnv {
  const m = /^(?:docker|local):(.*):judge-([0-9a-f]+)(?::([^:]+))?$/.exec(id);
  return { id, image: m?.[1] ?? id, judge: m?.[2] ?? '?', limits: m?.[3] ?? '' };
}

/** One queue per environment: a worker only ever sees the jobs it can judge. */
export function queueName(env: QueueEnv): string {
  return `judge-${createHash('sha256').update(env.id).digest('hex').slice(0, 16)}`;
}

const TimeoutSchema = z.number().positive().max(MAX_TIMEOUT_S);
const CheckItemSchema = z.object({ code: z.string(), timeoutS: TimeoutSchema });

export const JobDataSchema = z.object({
  format: z.literal(QUEUE_FORMAT),
  env: z.string(),
  /** Key of the Redis execution cache entry the worker fills. */
  key: z.string(),
  work: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('unittest'), solution: z.string(), test: z.string(), timeoutS: TimeoutSchema, fresh: z.boolean().optional() }),
    z.object({ kind: z.literal('checks'), items: z.array(CheckItemSchema), fresh: z.boolean().optional(), hashSeed: z.number().int().min(0).max(4294967295).optional() }),
    z.object({ kind: z.literal('syntax'), code: z.string() }),
  ]),
});
export type JobData = z.infer<typeof JobDataSchema>;
export type Work = JobData['work'];

/** Redis execution cache key: same work in the same environment is judged once across machines and runs. */
export function workKey(env: QueueEnv, work: Work): string {
  const h = createHash('sha256');
  for (const p of [String(QUEUE_FORMAT), env.id, JSON.stringify(work)]) h.update(String(p.length)).update(':').update(p);
  return h.digest('hex');
}

export const cacheKey = (key: string): string => `${PREFIX}:exec:${key}`;

const ExecResultSchema = z.object({
  status: z.enum(['pass', 'fail', 'timeout']),
  details: z.record(z.string()),
  tests: z.array(z.string()),
  compatOrder: z.array(z.string()),
  timedOut: z.boolean(),
  oom: z.boolean(),
  durationMs: z.number(),
}).strict();
const CheckResultSchema = z.object({ ok: z.boolean(), timedOut: z.boolean(), error: z.string().optional(), value: z.unknown().optional(), durationMs: z.number() });
const SyntaxResultSchema = z.object({ ok: z.boolean(), error: z.string().optional() }).strict();

/** What each kind of work answers: a cached value that does not fit is a miss, never a verdict. */
export const RESULT_SCHEMAS = {
  unittest: ExecResultSchema,
  checks: z.array(CheckResultSchema),
  syntax: SyntaxResultSchema,
} as const;

/** A stored result: format version, which worker judged it and when (ms), and the Sandbox method's value. */
export const CachedResultSchema = z.object({
  format: z.literal(QUEUE_FORMAT),
  by: z.string(),
  at: z.number().optional(),
  value: z.unknown(),
});
export type CachedResult = z.infer<typeof CachedResultSchema>;

/** How long a result that is not reused across runs (a timeout, a sandbox death) stays readable: its coordinator reads it at once. */
export const ONE_RUN_RESULT_TTL_S = 3600;

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
