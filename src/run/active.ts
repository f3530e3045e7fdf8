import { isAbsolute, relative, resolve } from 'node:path';

/** What an open run directory has saved, for the message of an interrupt. */
export interface ActiveRun {
  readonly dir: string;
  /** One line: what is saved and how to go on. */
  interruptNote(): string;
  /** Releases the directory (and removes it when this process made it and saved nothing). */
  close(): void;
}

const runs = new Set<ActiveRun>();

/** Run directories open in this process (the interrupt handler reports and closes them). */
export const activeRuns = {
  add: (r: ActiveRun): void => { runs.add(r); },
  delete: (r: ActiveRun): void => { runs.delete(r); },
  list: (): ActiveRun[] => [...runs],
};

/** Whether `dir` is `root` or lies under it. */
export function within(dir: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
