import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubDouble, type HubDouble } from '../helpers/hub-double.js';

let hub: HubDouble | undefined;
let dir: string | undefined;

/**
 * Every test run reads the benchmark files by name through a Hub double on 127.0.0.1, into fresh
 * caches, so the download path runs each time (tests that need their own double set their own env).
 */
export async function setup(): Promise<void> {
  hub = await startHubDouble({ shared: true });
  dir = mkdtempSync(join(tmpdir(), 'codeconv-test-caches-'));
  Object.assign(process.env, hub.env(join(dir, 'hub'), join(dir, 'cache')));
  delete process.env.HF_HUB_OFFLINE;
  delete process.env.HF_DATASETS_OFFLINE;
  delete process.env.HF_TOKEN;
}

export async function teardown(): Promise<void> {
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
