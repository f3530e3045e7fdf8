import { AsyncLocalStorage } from 'node:async_hooks';
import type { Semaphore } from './limiter.js';
import { classify, describe, type Failure } from './classify.js';
import { ModelError } from './types.js';

/** What every chat client is built with, whatever its provider. */
export interface ClientOptions {
  /** Model name as the server knows it, e.g. "gpt-4o". */
  model: string;
  apiKey?: string;
  temperature?: number;
  maxTokens?: number;
  /** Limit for one attempt, counted from when it gets its concurrency slot. */
  timeoutMs?: number;
  /** Retries after the first attempt (so at most maxRetries + 1 calls). */
  maxRetries?: number;
  /** In-flight requests per endpoint, one per process (see limiter.ts). */
  concurrency?: number;
  /** First backoff delay; doubles each retry, with jitter (default 1000). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After we obey; longer hints are cut to this (default 60000). */
  maxRetryAfterMs?: number;
  /** Overrides the process-wide per-endpoint limiter (tests). */
  limiter?: Semaphore;
}

/** How one model retries, times out and shares its endpoint (the OpenAI path has the same knobs). */
export interface AttemptPolicy {
  /** Model id, for error messages. */
  id: string;
  /** Limit for one attempt, counted from when it gets its concurrency slot. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  limiter: Semaphore;
}

/** The abort signal of the attempt under way, for fetch functions handed to provider SDKs. */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();
export const currentAttemptSignal = (): AbortSignal | undefined => attemptSignal.getStore();

/**
 * A fetch that also aborts when the current attempt times out. Some SDKs (ollama) only look at the
 * call's signal between streamed chunks, so a server that never sends headers would hold the socket.
 */
export const attemptFetch: typeof fetch = (input, init) => {
  const mine = attemptSignal.getStore();
  const signal = mine && init?.signal ? AbortSignal.any([mine, init.signal]) : (mine ?? init?.signal ?? null);
  return fetch(input, { ...init, signal });
};

class AttemptTimeout extends Error {}

/**
 * Runs `call` until it succeeds, with a concurrency slot and a timeout per attempt and backoff
 * between attempts; a failure that outlives the retries (or is not worth retrying) becomes a
 * ModelError. Errors `classifyFailure` does not know are rethrown as they are (bugs keep their stack).
 */
export async function withAttempts<T>(
  policy: AttemptPolicy,
  call: (signal: AbortSignal) => Promise<T>,
  classifyFailure: (err: unknown, timedOut: boolean, timeoutMs: number) => Failure | undefined = classify,
): Promise<T> {
  let last: Failure | undefined;
  let lastError: unknown;
  let attempts = 0;
  for (let attempt = 1; attempt <= policy.maxRetries + 1; attempt++) {
    if (attempt > 1) await sleep(delayBefore(policy, attempt, last!));
    attempts = attempt;
    const release = await policy.limiter.acquire();
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // Rejects on timeout even when the SDK ignores the signal.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
        reject(new AttemptTimeout(`no answer within ${policy.timeoutMs} ms`));
      }, policy.timeoutMs);
    });
    try {
      const result = await Promise.race([attemptSignal.run(controller.signal, () => call(controller.signal)), deadline]);
      // A stream cut short by our abort may end "successfully" with a partial answer.
      if (timedOut) throw new AttemptTimeout(`no answer within ${policy.timeoutMs} ms`);
      return result;
    } catch (err) {
      lastError = err;
      last = classifyFailure(err, timedOut, policy.timeoutMs);
      if (!last) throw err;
      if (!last.retryable) break;
    } finally {
      clearTimeout(timer);
      release();
    }
  }
  throw new ModelError(
    last!.code,
    `${policy.id}: ${describe(last!)} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last!.detail}`,
    { attempts, cause: lastError, ...(last!.status !== undefined ? { status: last!.status } : {}) },
  );
}

/** Exponential backoff with equal jitter, or the server's Retry-After when it gave one. */
function delayBefore(policy: AttemptPolicy, attempt: number, failure: Failure): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (attempt - 2));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
