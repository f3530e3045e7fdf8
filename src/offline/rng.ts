import { createHash } from 'node:crypto';

/** Uniform [0,1) number fixed by its key parts: the same seed, task and turn give the same draw. */
export function draw(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('|')).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}
