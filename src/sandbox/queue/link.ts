import { Redis, type RedisOptions } from 'ioredis';
import { InfraError, errorMessage } from '../../util/errors.js';
import type { QueueUrl } from './url.js';

/** ioredis options BullMQ needs (no per-command retry limit: blocking reads must wait). */
export function redisOptions(url: QueueUrl): RedisOptions {
  return { ...url.redis, maxRetriesPerRequest: null, connectTimeout: 5000, enableOfflineQueue: true };
}

/** Opens a client and checks the server answers within `timeoutMs`; otherwise one clear error naming the URL. */
export async function connect(url: QueueUrl, timeoutMs: number): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true });
  let lastError = '';
  redis.on('error', (e: Error) => { lastError = e.message; });
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs);
  } catch (err) {
    redis.disconnect();
    const why = lastError || errorMessage(err);
    throw new InfraError('QUEUE_UNREACHABLE', `cannot reach the Redis queue at ${url.display}: ${why}`);
  }
  return redis;
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e as Error); });
  });
}

/**
 * Watches clients and calls `onLost` once when any of them has had no connection for `lostAfterMs`
 * (ioredis would otherwise retry forever while the run waits).
 */
/** What the watch needs of a client: ioredis and BullMQ's client wrapper both have it. */
export interface Watched {
  readonly status: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ioredis and BullMQ type their listeners differently
  on(event: string, listener: (...args: any[]) => void): unknown;
}

export class LinkWatch {
  private downSince?: number;
  private lastError = '';
  private timer?: NodeJS.Timeout;

  constructor(private readonly clients: Watched[], private readonly lostAfterMs: number, private readonly onLost: (why: string) => void) {
    for (const c of clients) c.on('error', (e: Error) => { this.lastError = e.message; });
    this.timer = setInterval(() => this.tick(), 250);
    this.timer.unref();
  }

  private tick(): void {
    const down = this.clients.some((c) => c.status !== 'ready');
    if (!down) { this.downSince = undefined; return; }
    this.downSince ??= Date.now();
    if (Date.now() - this.downSince < this.lostAfterMs) return;
    this.stop();
    this.onLost(`no connection for ${(this.lostAfterMs / 1000).toFixed(0)} s${this.lastError ? ` (${this.lastError})` : ''}`);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The server's clock in ms: workers and coordinators on different machines compare times on one clock. */
export async function serverTimeMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}
