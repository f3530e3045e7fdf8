import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const sharedDir = resolve(projectRoot, '..', 'shared');
export const dataDir = join(sharedDir, 'data');
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
