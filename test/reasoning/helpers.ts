import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { prepareDataset } from '../../src/data/prepare.js';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '../../src/sandbox-factory/create.js';
import type { Sandbox } from '../../src/sandbox/index.js';

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const sharedDir = resolve(projectRoot, '..', 'shared');
/**
 * The benchmark files as --data-dir lays them out, pulled by name through the Hub double the test
 * run starts (test/setup), so the reasoning tests exercise the download path; the reference copies
 * themselves when the double cannot serve them.
 */
export const dataDir = await pulledDataDir();

async function pulledDataDir(): Promise<string> {
  const fallback = join(sharedDir, 'data');
  if (!process.env.HF_ENDPOINT?.startsWith('http://127.0.0.1:') || !existsSync(fallback)) return fallback;
  try {
    const dir = join(process.env.CODECONV_CACHE_DIR ?? tmpdir(), 'reasoning-data-dir');
    const link = (from: string, to: string): void => {
      mkdirSync(dirname(to), { recursive: true });
      if (!existsSync(to)) symlinkSync(from, to);
    };
    link((await prepareDataset('cruxeval')).records, join(dir, 'cruxeval', 'cruxeval.jsonl'));
    link((await prepareDataset('case2code')).records, join(dir, 'case2code', 'test.jsonl'));
    for (const set of ['ds1000', 'pannum', 'monkbeat', 'torchdata']) {
      for (const [path, file] of Object.entries((await prepareDataset(`codeglance:${set}`)).files)) link(file, join(dir, 'codeglance', basename(path)));
    }
    return dir;
  } catch (err) {
    console.warn(`[reasoning tests] the Hub double did not serve the data (${(err as Error).message}); reading the reference copies`);
    return fallback;
  }
}
export const referenceDir = join(sharedDir, 'reference');

/** Reason to skip when a shared file is missing (names the file), else undefined. */
export function missing(...files: string[]): string | undefined {
  const absent = files.map((f) => resolve(sharedDir, f)).filter((f) => !existsSync(f));
  return absent.length ? `missing ${absent.join(', ')} (shared material not present)` : undefined;
}

/** Prints the skip reason once so a skipped suite says why. */
export function noteSkip(reason: string | undefined): boolean {
  if (reason) console.warn(`[reasoning tests] skipped: ${reason}`);
  return !!reason;
}

let shared: Sandbox | undefined;

/** One local sandbox (parallel 2) shared by the reasoning tests of a file. */
export function localSandbox(): Sandbox {
  shared ??= createSandbox({ kind: 'local', parallel: 2 });
  return shared;
}

export async function closeSandbox(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.close();
}
