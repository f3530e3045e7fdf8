import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import Transport from 'winston-transport';
import { activeRuns, within } from './active.js';

const MESSAGE = Symbol.for('message');
const open = new Set<RunLogFile>();

/**
 * The run's `run.log`, written only once a run directory at or under `dir` is open in this
 * process: a start that fails (bad endpoint, bad data, another command's directory) leaves no
 * directory holding only a log. Lines before that are kept and written first.
 */
export class RunLogFile extends Transport {
  readonly file: string;
  private pending: string[] = [];
  private claimed = false;

  constructor(readonly dir: string) {
    super();
    this.file = join(dir, 'run.log');
    open.add(this);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.write1(String(info[MESSAGE] ?? info.message));
    next();
  }

  /** Appends one line now if the directory is claimed, else keeps it for later. */
  write1(line: string): void {
    this.pending.push(line);
    if (!this.claimed) this.claimed = activeRuns.list().some((r) => within(r.dir, this.dir));
    if (!this.claimed) return;
    const text = this.pending.map((l) => `${l}\n`).join('');
    this.pending = [];
    try {
      appendFileSync(this.file, text);
    } catch {
      // The directory was removed (nothing saved) or cannot be written: the console still has the line.
    }
  }

  override close(): void {
    open.delete(this);
  }
}

/** Writes a line into every run log of this process (the interrupt handler; synchronous). */
export function noteInRunLogs(line: string): void {
  const stamp = new Date().toISOString();
  for (const log of open) log.write1(`${stamp} warn ${line}`);
}
