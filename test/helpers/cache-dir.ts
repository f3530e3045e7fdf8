import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ResponseCache } from '../../src/models/cache.js';

/**
 * Registers hooks that give each test a fresh directory for response caches: made before the
 * test, and after it the open caches are closed and the directory removed. Call the returned
 * function inside a test for the directory of that test.
 */
export function useCacheDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await ResponseCache.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error('useCacheDir: the directory exists only while a test runs');
    return dir;
  };
}
