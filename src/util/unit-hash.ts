import { createHash } from 'node:crypto';

/** A uniform number in [0, 1) fixed by a key (first 32 bits of its SHA-256, stable across platforms). */
export function unitFromKey(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}
