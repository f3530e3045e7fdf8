import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultImage, judgeDir } from '../../src/sandbox/paths.js';
import { dockerReady } from '../helpers/docker.js';

// The judge package's own Python unit tests (src/sandbox/python/tests), run by python3's unittest.
const unittestArgs = ['-B', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'];

function report(r: ReturnType<typeof spawnSync>): string {
  return `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${String(r.stderr ?? '').slice(-6000)}`;
}

describe('judge package unit tests (Python)', () => {
  it("pass on the host's python3, the interpreter the local sandbox runs", () => {
    const r = spawnSync('python3', unittestArgs, {
      cwd: judgeDir(), encoding: 'utf8', timeout: 180_000, env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    expect(r.status, report(r)).toBe(0);
    expect(r.stderr).toMatch(/Ran \d+ tests/);
  }, 200_000);

  const ready = dockerReady();
  it.skipIf(!ready.ok)(`pass on the sandbox image's python3${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
    const r = spawnSync('docker', [
      'run', '--rm', '--network', 'none', '--user', '1000:1000', '--read-only', '--tmpfs', '/tmp:rw,exec,size=256m',
      // Under sh, so that the tests do not run as PID 1 (the judge's container mode, which kills every process);
      // the image's matplotlib config copied to the scratch, as the judge does (no font-cache rebuild).
      '-v', `${judgeDir()}:/judge:ro`, '-w', '/judge', '-e', 'HOME=/tmp', '-e', 'MPLBACKEND=Agg', '-e', 'MPLCONFIGDIR=/tmp/.mpl', defaultImage(),
      'sh', '-c', `cp -r /opt/mplconfig /tmp/.mpl && python3 ${unittestArgs.join(' ')}; exit $?`,
    ], { encoding: 'utf8', timeout: 400_000 });
    expect(r.status, report(r)).toBe(0);
    expect(r.stderr).toMatch(/Ran \d+ tests/);
  }, 420_000);
});
