import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { JournalCache } from '../compare/journal.js';
import { isRunDir } from '../compare/load.js';
import { describeRun, fingerprint, JOURNAL, loadEntry, type RunEntry } from './entry.js';

const SKIP = new Set(['node_modules', '.git', '.cache']);

/** Run directories below root (root itself when it is one), depth-first in name order; a run's own sub-folders are not searched. */
export function findRunDirs(root: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, d: number): void => {
    if (isRunDir(dir)) { out.push(dir); return; }
    if (d === 0) return;
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const n of names) {
      if (SKIP.has(n) || n.startsWith('.')) continue;
      const p = join(dir, n);
      try { if (statSync(p).isDirectory()) walk(p, d - 1); } catch { /* vanished */ }
    }
  };
  if (existsSync(root)) walk(root, depth);
  return out;
}

/**
 * The runs below a directory, re-read only when their files change: refresh() is cheap enough to
 * call every second, so a run being written shows its progress.
 */
export class RunIndex {
  private cache = new Map<string, { fp: string; entry: RunEntry }>();
  /** Bumped whenever some entry changed, appeared or vanished. */
  version = 0;
  private entries: RunEntry[] = [];
  /** Journals read so far: a running run's is read from where the last read ended. */
  readonly journals = new JournalCache();
  private filling?: NodeJS.Immediate;
  /** Called when the background read is done (the server tells its pages at once). */
  onFilled?: () => void;

  constructor(readonly root: string, private readonly only?: string[]) {}

  refresh(): RunEntry[] {
    const dirs = this.only ?? findRunDirs(this.root);
    let changed = dirs.length !== this.cache.size;
    const next = new Map<string, { fp: string; entry: RunEntry }>();
    for (const dir of dirs) {
      const fp = fingerprint(dir);
      const old = this.cache.get(dir);
      if (old && old.fp === fp) { next.set(dir, old); continue; }
      changed = true;
      next.set(dir, { fp, entry: describeRun(dir, this.idOf(dir), false, this.journals) });
    }
    for (const dir of this.cache.keys()) if (!next.has(dir)) this.journals.forget(join(dir, JOURNAL.world));
    this.cache = next;
    if (changed) this.version++;
    this.entries = [...next.values()].map((v) => v.entry);
    return this.entries;
  }

  list(): RunEntry[] {
    return this.entries;
  }

  /** An entry with its records read (see loadEntry). */
  load(e: RunEntry): RunEntry {
    return loadEntry(e, this.journals);
  }

  /**
   * Does `work` on every entry that `needs` it, one per turn of the event loop (pages are served in
   * between); when none is left, bumps the version and calls onFilled. One such loop at a time.
   */
  inBackground(needs: (e: RunEntry) => boolean, work: (e: RunEntry) => void): void {
    if (this.filling) return;
    const tried = new Set<RunEntry>();
    const step = (): void => {
      const e = this.entries.find((x) => !tried.has(x) && needs(x));
      if (!e) { this.filling = undefined; this.version++; this.onFilled?.(); return; }
      tried.add(e);
      try { work(e); } catch { /* the entry says what failed (loadEntry) */ }
      this.filling = setImmediate(step);
    };
    this.filling = setImmediate(step);
  }

  /** Stops reading in the background (the server is closing). */
  stop(): void {
    if (this.filling) clearImmediate(this.filling);
    this.filling = undefined;
  }

  get(id: string): RunEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  private idOf(dir: string): string {
    const rel = relative(this.root, dir).split(sep).join('/');
    return rel || '.';
  }
}
