import type { Redis } from 'ioredis';
import { envFromId, PREFIX, WorkerInfoSchema, type QueueEnv, type WorkerInfo } from './protocol.js';

/** Live workers (their announcements have not expired), read with SCAN so no key list is kept. */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${PREFIX}:worker:*`, 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const out: WorkerInfo[] = [];
  for (const v of values) {
    if (!v) continue;
    try {
      const p = WorkerInfoSchema.safeParse(JSON.parse(v));
      if (p.success) out.push(p.data);
    } catch {
      // An announcement from an unknown version is not ours to read.
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export interface WorkersView {
  matching: WorkerInfo[];
  other: WorkerInfo[];
}

export function splitWorkers(all: WorkerInfo[], env: QueueEnv): WorkersView {
  return { matching: all.filter((w) => w.env === env.id), other: all.filter((w) => w.env !== env.id) };
}

/** Short text for the progress line: "workers 2 (6 slots, 4 busy), 1 not matching". */
export function workersSummary(v: WorkersView): string {
  const slots = v.matching.reduce((s, w) => s + w.slots, 0);
  const busy = v.matching.reduce((s, w) => s + w.busy, 0);
  const hosts = new Set(v.matching.map((w) => w.host)).size;
  const base = `workers ${v.matching.length} on ${hosts} host${hosts === 1 ? '' : 's'} (${slots} slots, ${busy} busy)`;
  return v.other.length ? `${base}, ${v.other.length} not matching` : base;
}

/** One line per worker that will never take this run's jobs, saying what it has and what is needed. */
export function mismatchLines(v: WorkersView, env: QueueEnv): string[] {
  return v.other.map(
    (w) => `worker ${w.host}:${w.pid} (${w.slots} slots) does not match and will not take these jobs: it has ${envText(envFromId(w.env))}, this run needs ${envText(env)}`,
  );
}

/** "image X judge Y limits Z" of an environment, for messages. */
export function envText(e: QueueEnv): string {
  return `image ${e.image} judge ${e.judge}${e.limits ? ` limits ${e.limits}` : ''}`;
}
