import type { CheckItem, CheckResult, Sandbox } from '../sandbox/types.js';
import { InfraError } from '../util/errors.js';

/** Minimal slice of the sandbox that scoring needs. */
export type CheckRunner = Pick<Sandbox, 'runChecks'>;

/**
 * Batch boundaries. With a fixed size, equal batches; otherwise batches shrink toward the end
 * (guided self-scheduling), so that a slow last batch does not keep one slot busy while the others idle.
 */
export function batchBounds(total: number, size?: number): [number, number][] {
  const out: [number, number][] = [];
  const cap = Math.max(8, Math.min(64, Math.ceil(total / 32)));
  for (let start = 0; start < total; ) {
    const n = size ?? Math.max(4, Math.min(cap, Math.ceil((total - start) / 16)));
    out.push([start, Math.min(total, start + n)]);
    start += n;
  }
  return out;
}

/** A fixed pseudo-random permutation of 0..n-1 (Fisher-Yates over a seeded LCG): same order every run. */
export function spreadOrder(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Runs check programs through the sandbox in batches; all batches are submitted at once and the
 * sandbox spreads them over its warm slots.
 */
export async function runCheckBatches(
  sandbox: CheckRunner,
  checks: CheckItem[],
  opts: { fresh?: boolean; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length);
  // Checks of one sample sit together and tend to time out together; a fixed shuffle spreads them
  // over the batches so that no slot gets a run of 3 s timeouts while the others idle.
  const order = spreadOrder(checks.length);
  let done = 0;
  const batches: Promise<void>[] = [];
  for (const [start, end] of batchBounds(checks.length, opts.batchSize)) {
    const at = order.slice(start, end);
    const slice = at.map((i) => checks[i]!);
    batches.push(
      sandbox.runChecks(slice, { fresh: !!opts.fresh }).then((rs) => {
        if (rs.length !== slice.length) {
          throw new InfraError('JUDGE_PROTOCOL', `sandbox answered ${rs.length} results for ${slice.length} checks`);
        }
        rs.forEach((r, i) => { results[at[i]!] = r; });
        done += slice.length;
        opts.onProgress?.(done, checks.length);
      }),
    );
  }
  await Promise.all(batches);
  return results;
}
