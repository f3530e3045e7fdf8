import { InfraError } from '../util/errors.js';
import type { JudgeConnection } from './connection.js';

/** A warm judge: its connection, and how to destroy whatever runs it. */
export interface Slot {
  conn: JudgeConnection;
  destroy(): Promise<void>;
  /** Whether the engine saw the slot killed for memory (Docker only). */
  oomKilled?(): Promise<boolean>;
}

type Waiter = { resolve: (s: Slot) => void; reject: (e: Error) => void };

/**
 * Fixed-size pool of warm judge slots. A slot whose judge reported an unclean reset, died or hung
 * is destroyed and replaced in the background, so the next job never waits for a cold start
 * unless every slot is being replaced at once.
 */
export class SlotPool {
  private idle: Slot[] = [];
  private waiters: Waiter[] = [];
  private all = new Set<Slot>();
  private closed = false;
  private broken?: Error;

  constructor(private readonly size: number, private readonly create: () => Promise<Slot>) {}

  async start(): Promise<void> {
    const want = this.size - this.all.size;
    await Promise.all(Array.from({ length: want }, () => this.spawn()));
    if (this.broken) throw this.broken;
  }

  /** Why no slot can be started now (the last start failed 3 times and no slot is left), if so. */
  get unavailable(): Error | undefined {
    return this.all.size === 0 ? this.broken : undefined;
  }

  /**
   * Starts the slots that are missing (a start failed 3 times, e.g. the engine was away): the pool
   * never stays broken once the engine is back. True when at least one slot is up afterwards.
   */
  async refill(): Promise<boolean> {
    if (this.closed) return false;
    await Promise.allSettled([...this.spawning, ...this.replacing]);
    const want = this.size - this.all.size;
    if (want > 0) await Promise.all(Array.from({ length: want }, () => this.spawn()));
    return this.all.size > 0;
  }

  /** Runs fn on a warm slot; the slot is recycled when fn reports it clean, replaced otherwise. */
  async with<T>(fn: (slot: Slot) => Promise<{ value: T; clean: boolean }>): Promise<T> {
    const slot = await this.acquire();
    let clean = false;
    try {
      const r = await fn(slot);
      clean = r.clean && slot.conn.alive;
      return r.value;
    } finally {
      if (clean) this.release(slot);
      else void this.replace(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.spawning, ...this.replacing]);
    const slots = [...this.all];
    this.all.clear();
    this.idle = [];
    for (const w of this.waiters.splice(0)) w.reject(new InfraError('SANDBOX_CLOSED', 'sandbox is closed'));
    await Promise.allSettled(slots.map((s) => s.destroy()));
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new InfraError('SANDBOX_CLOSED', 'sandbox is closed'));
    if (this.broken && this.all.size === 0) return Promise.reject(this.broken);
    // An idle judge can die too (its container killed): replace it instead of handing it out.
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      if (s.conn.alive) return Promise.resolve(s);
      void this.replace(s);
    }
    if (this.broken && this.all.size === 0) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    if (this.closed) { void slot.destroy(); return; }
    const w = this.waiters.shift();
    if (w) w.resolve(slot);
    else this.idle.push(slot);
  }

  private readonly replacing = new Set<Promise<void>>();

  /** Tracked so that close() also waits for the removal of slots being replaced. */
  private replace(slot: Slot): Promise<void> {
    this.all.delete(slot);
    const p = (async () => {
      await slot.destroy().catch(() => undefined);
      if (!this.closed) await this.spawn();
    })().finally(() => this.replacing.delete(p));
    this.replacing.add(p);
    return p;
  }

  private readonly spawning = new Set<Promise<void>>();

  private spawn(): Promise<void> {
    const p = this.spawnOnce().finally(() => this.spawning.delete(p));
    this.spawning.add(p);
    return p;
  }

  /** Starts one slot, trying three times; after that the pool is broken and waiters get the error. */
  private async spawnOnce(): Promise<void> {
    let last: Error | undefined;
    for (let attempt = 0; attempt < 3 && !this.closed; attempt++) {
      try {
        const slot = await this.create();
        if (this.closed) { await slot.destroy(); return; }
        this.broken = undefined;
        this.all.add(slot);
        this.release(slot);
        return;
      } catch (err) {
        last = err as Error;
      }
    }
    if (!last) return;
    this.broken = new InfraError(
      'SANDBOX_START',
      `could not start a sandbox slot 3 times in a row (${last.message}); check the engine (docker ps -a, dmesg), then rerun the same command: it resumes`,
      { cause: last },
    );
    if (this.all.size === 0) for (const w of this.waiters.splice(0)) w.reject(this.broken);
  }
}
