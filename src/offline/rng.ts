import { unitFromKey } from '../util/unit-hash.js';

/** Uniform [0,1) number fixed by its key parts: the same seed, task and prompt give the same draw. */
export function draw(...parts: (string | number)[]): number {
  return unitFromKey(parts.join('|'));
}
