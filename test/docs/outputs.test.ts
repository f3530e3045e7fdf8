import { beforeAll, describe, expect, test } from 'vitest';
import { OUTPUTS, masked, outputChecks, type Check } from '../../scripts/docs/lib.mjs';
import { dockerReady } from '../helpers/docker.js';

// The README's quick-start and library-example outputs are what a real run prints today, run-directory
// paths and timings aside (npm run docs:sync rewrites them). Both run the Docker sandbox.
const docker = dockerReady();

describe.skipIf(!docker.ok)(`pasted outputs from real runs${docker.ok ? '' : ` (skipped: ${docker.why})`}`, () => {
  let checks: Check[] = [];
  beforeAll(async () => { checks = await outputChecks(Object.keys(OUTPUTS)); }, 600_000);

  test.each(['quick-start', 'library'])('README.md: %s', (key) => {
    const c = checks.find((x) => x.file === 'README.md' && x.block.key === key);
    expect(c, `README.md has no <!-- output: ${key} --> block`).toBeDefined();
    expect(masked(c!.block.body), 'stale paste; run npm run docs:sync').toBe(masked(c!.actual));
  });
});
