import { z } from 'zod';

/** Format version written into every record file; readers refuse a newer one. */
export const FORMAT_VERSION = 1;

/** The `version` field of a record: absent in files written before it existed (read as version 1). */
export const versionField = z
  .number()
  .int()
  .refine((v) => v <= FORMAT_VERSION, { message: `written by a newer format version (this build reads up to ${FORMAT_VERSION})` })
  .optional();

/** Adds the current format version in front of a record. */
export function versioned<T extends object>(record: T): T & { version: number } {
  return { version: FORMAT_VERSION, ...record };
}

export { issueText } from '../util/options.js';
