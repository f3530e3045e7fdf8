import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { clearPreparedMemo } from '../../src/data/index.js';
import { SHARED_DATA, startHubDouble, type HubDouble } from './hub-double.js';

/** Whether the real benchmark copies are beside the project (the double serves them when they are). */
export const haveShared = existsSync(join(SHARED_DATA, 'cruxeval', 'cruxeval.jsonl'));

/**
 * Starts the Hub double for a test file; each test gets fresh Hub and cache directories (in the
 * environment, restored after it) and no memo of earlier preparations.
 */
export function useHubDouble(prefix: string): { hub: () => HubDouble; tmp: () => string } {
  let hub: HubDouble | undefined;
  let tmp = '';
  const saved = { ...process.env };
  beforeAll(async () => {
    hub = await startHubDouble({ shared: haveShared });
  });
  afterAll(() => hub?.close());
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), prefix));
    Object.assign(process.env, hub!.env(join(tmp, 'hub'), join(tmp, 'cache')));
    delete process.env.HF_HUB_OFFLINE;
    clearPreparedMemo();
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(tmp, { recursive: true, force: true });
  });
  return { hub: () => hub!, tmp: () => tmp };
}
