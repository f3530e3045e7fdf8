import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { main as cleanupMain } from '../../src/cli/cleanup.js';
import { repoContainerLabels } from '../../src/repo/sandbox.js';
import { removeLeftovers, sandboxContainers } from '../../src/sandbox/leftovers.js';
import { defaultImage } from '../../src/sandbox/paths.js';

const image = process.env.CODECONV_IMAGE ?? defaultImage();
const hasImage = spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasImage)('run-repo containers are sandbox containers', () => {
  it('codeconv-cleanup lists a repo container of a dead run, and the start-up sweep removes it', async () => {
    const gone = spawnSync('true');
    const deadPid = gone.pid!;
    const labels = repoContainerLabels(deadPid).flatMap((l) => ['--label', l]);
    const made = spawnSync('docker', ['create', ...labels, '--network', 'none', image, 'sleep', '600'], { encoding: 'utf8' });
    expect(made.status).toBe(0);
    const id = made.stdout.trim();
    try {
      const docker = new Docker();
      const listed = (await sandboxContainers(docker)).find((c) => c.id === id);
      expect(listed).toMatchObject({ pid: deadPid, dead: true });
      // codeconv-cleanup lists it beside the judges' containers.
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((t: string) => { out.push(String(t)); return true; }) as typeof process.stdout.write;
      try { await cleanupMain(['--dry-run']); } finally { process.stdout.write = write; }
      expect(out.join('')).toMatch(new RegExp(`would remove  ${listed!.name}  host \\S+ pid ${deadPid} .*dead \\(pid gone\\)`));
      expect(await removeLeftovers(docker)).toBeGreaterThanOrEqual(1);
      expect((await sandboxContainers(docker)).some((c) => c.id === id)).toBe(false);
    } finally {
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    }
  }, 60_000);
});
