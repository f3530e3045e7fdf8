import { UserError } from '../util/errors.js';

/**
 * Upper bound of one judgment's time limit in seconds. Node's timers overflow above 2^31-1 ms
 * (24.8 days) and fire at once; an hour is far above any suite's need and keeps a planted job
 * from holding a worker for days.
 */
export const MAX_TIMEOUT_S = 3600;

/** A time limit within (0, MAX_TIMEOUT_S], or one line saying which limit is out of range. */
export function checkTimeLimit(seconds: number, what = 'the time limit'): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_S) {
    throw new UserError('BAD_TIMEOUT', `${what} must be above 0 and at most ${MAX_TIMEOUT_S} s, got ${seconds}`);
  }
  return seconds;
}
