import { spawnSync } from 'node:child_process';
import { defaultImage } from '../../src/sandbox/paths.js';

/** Whether the real engine and the sandbox image are there; tests that need them say so when skipped. */
export function dockerReady(): { ok: boolean; why: string } {
  const info = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
  if (info.status !== 0) return { ok: false, why: 'no Docker engine (run bash scripts/ensure-docker.sh)' };
  const img = spawnSync('docker', ['image', 'inspect', defaultImage()], { stdio: 'ignore', timeout: 20_000 });
  if (img.status !== 0) return { ok: false, why: `image ${defaultImage()} missing (run bash scripts/build-image.sh)` };
  return { ok: true, why: '' };
}
