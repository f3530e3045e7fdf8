import type { ZodType, ZodTypeDef } from 'zod';
import { appendFileSync } from 'node:fs';
import { readJsonlTolerant, repairJsonlTail } from '../util/jsonl.js';
import { withFile } from '../util/write-error.js';
import { versioned } from './format.js';

/**
 * An append-only JSONL journal of finished work: a resumed run reads it back (through its schema,
 * a torn last line dropped) and skips what it holds.
 */
export class Journal<T> {
  constructor(
    readonly file: string,
    private readonly schema: ZodType<T, ZodTypeDef, unknown>,
    private readonly onAppend?: (record: object) => void,
    /** false: records are written as given (synth stage rows keep the Case2Code layout). */
    private readonly versioned_ = true,
  ) {}

  /** Every record, in file order; cuts a torn tail first so that appends start on a fresh line. */
  read(): T[] {
    repairJsonlTail(this.file);
    return readJsonlTolerant(this.file, this.schema);
  }

  /**
   * One whole line per record, with the format version (unless turned off). Written synchronously, so that an
   * interrupt sees every line on disk counted.
   */
  async append(record: object): Promise<void> {
    try {
      appendFileSync(this.file, JSON.stringify(this.versioned_ ? versioned(record) : record) + '\n');
    } catch (err) {
      throw withFile(err, this.file); // a full disk's ENOSPC names no file
    }
    this.onAppend?.(record);
  }
}
