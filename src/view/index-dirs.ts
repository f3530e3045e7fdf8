import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isRunDir } from '../compare/load.js';
import { describeRun, fingerprint, type RunEntry } from './entry.js';

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
      next.set(dir, { fp, entry: describeRun(dir, this.idOf(dir)) });
    }
    this.cache = next;
    if (changed) this.version++;
    this.entries = [...next.values()].map((v) => v.entry);
    return this.entries;
  }

  list(): RunEntry[] {
    return this.entries;
  }

  get(id: string): RunEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  private idOf(dir: string): string {
    const rel = relative(this.root, dir).split(sep).join('/');
    return rel || '.';
  }
}
