/** Counting semaphore: at most `limit` holders at once, waiters served first come first served. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private limitValue: number) {
    if (!(limitValue >= 1)) throw new RangeError(`concurrency limit must be >= 1, got ${limitValue}`);
  }

  get limit(): number {
    return this.limitValue;
  }
  get inFlight(): number {
    return this.active;
  }
  get waiting(): number {
    return this.waiters.length;
  }

  /** Lowers the limit; requests already in flight finish normally. */
  restrict(limit: number): void {
    if (limit >= 1 && limit < this.limitValue) this.limitValue = limit;
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.limitValue) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve)); // slot is handed over by release
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private release(): void {
    const next = this.active <= this.limitValue ? this.waiters.shift() : undefined;
    if (next) next(); // the slot passes directly to the next waiter, active stays the same
    else this.active--;
  }
}

const endpoints = new Map<string, Semaphore>();

/**
 * The process-wide limiter for one endpoint (keyed by base URL). Model instances that share an
 * endpoint share its slots; when they ask for different limits the smallest wins.
 */
export function endpointLimiter(baseURL: string, limit: number): Semaphore {
  const key = baseURL.replace(/\/+$/, '').toLowerCase();
  let sem = endpoints.get(key);
  if (!sem) endpoints.set(key, (sem = new Semaphore(limit)));
  else sem.restrict(limit);
  return sem;
}
