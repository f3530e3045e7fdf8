import type { ZodType, ZodTypeDef } from 'zod';
import { mapLimit } from '../util/concurrency.js';
import type { RunDir } from './run-dir.js';

/** The work of one command in an open run directory: its items, their journal and one worker. */
export interface RunItemsOptions<I, R> {
  dir: RunDir;
  /** The journal file in the run directory (episodes.jsonl, results.jsonl, ...). */
  journal: string;
  schema: ZodType<R, ZodTypeDef, unknown>;
  /** false: records are appended without the format version (synth stage files keep Case2Code's layout); default true. */
  versioned?: boolean;
  items: readonly I[];
  idOf: (item: I) => string;
  /** The item a journaled record finishes; undefined for a record of other settings (ignored). */
  recordId: (record: R) => string | undefined;
  /** A journaled record whose item runs again (an errored episode); default: none. */
  redo?: (record: R) => boolean;
  /**
   * Runs one item. An expected failure is a value in the record (it is appended); a throw is broken
   * infrastructure: no new item starts and the error propagates, every record appended so far kept.
   */
  work: (item: I, round: number) => Promise<R>;
  /** Items in flight. */
  concurrency: number;
  /** What an item is called in the interrupt message ('episodes'). */
  unit?: string;
  /** Passes over the items whose record asks for a redo (run-repo's five); default 1. */
  rounds?: number;
  /** Once the finished items are known, before any item runs and before onRunStart: preflight, a log line. */
  prepare?: (e: { todo: readonly I[]; resumed: number; total: number }) => Promise<void> | void;
  /** The phase the reporter's onRunStart and onItemEnd (first round only) are given. */
  phase: string;
  reporter?: ItemReporter<R>;
}

/** The two hooks of report/'s Reporter the skeleton calls (named here: report/ imports run/). */
export interface ItemReporter<R> {
  onRunStart?(e: { phase: string; runDir?: string; total: number; resumed: number }): void;
  onItemEnd?(e: { phase: string; record: R; done: number; total: number }): void;
}

export interface RunItemsResult<R> {
  /** Each item's record, in item order (undefined for an item that has none). */
  records: Array<R | undefined>;
  /** Every record of the journal by item id, this run's items or not; the last one of an id wins. */
  byId: Map<string, R>;
  /** Items run by this invocation (first round). */
  ran: number;
  /** Items finished by an earlier invocation. */
  resumed: number;
  file: string;
}

/**
 * The run skeleton every command shares: read the finished records back (a torn last line
 * dropped), skip them, run the rest through a bounded map, append each record as one line, report.
 */
export async function runItems<I, R>(o: RunItemsOptions<I, R>): Promise<RunItemsResult<R>> {
  const journal = o.dir.journal(o.journal, o.schema, o.versioned ?? true);
  const byId = new Map<string, R>();
  for (const r of journal.read()) {
    const id = o.recordId(r);
    if (id !== undefined) byId.set(id, r);
  }
  const pending = (item: I): boolean => {
    const r = byId.get(o.idOf(item));
    return r === undefined || (o.redo?.(r) ?? false);
  };
  const total = o.items.length;
  const todo = o.items.filter(pending);
  const resumed = total - todo.length;
  o.dir.plan(total, resumed, o.unit);
  await o.prepare?.({ todo, resumed, total });
  o.reporter?.onRunStart?.({ phase: o.phase, runDir: o.dir.dir, total, resumed });

  let done = resumed;
  let left = todo;
  for (let round = 1; round <= (o.rounds ?? 1) && left.length; round++) {
    await mapLimit(left, o.concurrency, async (item) => {
      const rec = await o.work(item, round);
      await journal.append(rec as object);
      byId.set(o.idOf(item), rec);
      if (round === 1) o.reporter?.onItemEnd?.({ phase: o.phase, record: rec, done: ++done, total });
    });
    left = left.filter(pending);
  }
  return { records: o.items.map((it) => byId.get(o.idOf(it))), byId, ran: todo.length, resumed, file: journal.file };
}
