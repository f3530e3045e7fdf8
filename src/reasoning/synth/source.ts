import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Sandbox } from '../../sandbox/types.js';
import { UserError } from '../../util/errors.js';
import { readJsonl } from '../../util/jsonl.js';
import { runAnalysis } from './python.js';
import { bump, RawRowSchema, type RawRow } from './records.js';

/** Directories never searched for functions: caches and third-party packages. */
const SKIP_DIRS = new Set(['__pycache__', 'site-packages', 'dist-packages', 'node_modules']);
/** Source text sent to one selection check (keeps each sandbox request small). */
const CHUNK_CHARS = 1_500_000;

export interface RawSource {
  rows: RawRow[];
  /** Directory input only: top-level defs not taken, per selection rule. */
  rejected: Record<string, number>;
  files: number;
}

/** Reads raw rows from a JSONL file, or selects top-level functions from a directory of .py files. */
export async function loadRawSource(from: string, sandbox: Sandbox): Promise<RawSource> {
  if (!existsSync(from)) throw new UserError('ENOENT', `--from ${from}: no such file or directory`);
  if (!statSync(from).isDirectory()) {
    const rows = readJsonl(from, RawRowSchema);
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (seen.has(r.id)) throw new UserError('DUPLICATE_ID', `${from}:${i + 1}: field "id" repeats "${r.id}"`);
      seen.add(r.id);
    });
    return { rows, rejected: {}, files: 1 };
  }
  const files = listPyFiles(from);
  const rows: RawRow[] = [];
  const rejected: Record<string, number> = {};
  const contents = new Set<string>();
  let chunk: { path: string; text: string }[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const r = await runAnalysis<{ rows: RawRow[]; rejected: Record<string, number> }>(sandbox, 'select_functions', chunk, 120);
    for (const [k, v] of Object.entries(r.rejected)) bump(rejected, k, v);
    for (const row of r.rows) {
      // The same function can sit in two files (vendored copies): keep the first.
      if (contents.has(row.content)) bump(rejected, 'duplicate_source');
      else {
        contents.add(row.content);
        rows.push(row);
      }
    }
    chunk = [];
    size = 0;
  };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    chunk.push({ path: relative(from, f), text });
    size += text.length;
    if (size >= CHUNK_CHARS) await flush();
  }
  await flush();
  return { rows, rejected, files: files.length };
}

function listPyFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(d, name);
      const st = lstatSync(full, { throwIfNoEntry: false }); // symlinks are not followed (no cycles)
      if (!st) continue;
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(full);
      } else if (name.endsWith('.py') && st.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out;
}
