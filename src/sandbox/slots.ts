import { availableParallelism } from 'node:os';

/**
 * Warm slots per core by default. Many suites sleep, wait on subprocesses or on timers, so one slot
 * per core left 30-50% of CPU time idle; scripts/bench-queue.mjs measures the busy share.
 */
export const SLOTS_PER_CORE = 2;

/** Default size of a sandbox pool (local run or worker) on a machine with `cores` cores. */
export function defaultSlots(cores = availableParallelism()): number {
  return Math.max(2, cores * SLOTS_PER_CORE);
}
