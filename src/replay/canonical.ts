import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { stableJson } from '../util/json.js';

/** The reference file's canonical JSON (the one stable-JSON text of src/util/json.ts). */
export const canonicalJson = stableJson;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a file's bytes. */
export function fileSha256(file: string): string {
  return sha256(readFileSync(file));
}
