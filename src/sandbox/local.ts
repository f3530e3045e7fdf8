import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../util/errors.js';
import { JudgeConnection, type ReadyInfo } from './connection.js';
import { JudgeSandbox } from './judge-sandbox.js';
import { judgeDir, judgeHash } from './paths.js';
import { SlotPool, type Slot } from './pool.js';
import type { LocalSpecSchema, SpecOptions } from './spec.js';

/** The local spec's options (src/sandbox/spec.ts). */
export type LocalSandboxOptions = SpecOptions<typeof LocalSpecSchema>;

/** Isolation the local backend gives, said plainly in --help and the README. */
export const LOCAL_SANDBOX_WARNING =
  'local sandbox: judged code runs as your user on this host; with bubblewrap it gets a private /tmp, ' +
  'no network and its own PID namespace over a read-only view of the host, without bubblewrap only a ' +
  'scratch directory, a cleared environment and a time limit. Use --sandbox docker for untrusted code.';

/** PATH of the judge process, so that `python3` names the same interpreter for it and for the probe. */
const JUDGE_PATH = '/usr/local/bin:/usr/bin:/bin';

let bwrapUsable: boolean | undefined;

function hasBwrap(): boolean {
  bwrapUsable ??= spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', 'true'], {
    stdio: 'ignore', timeout: 10_000,
  }).status === 0;
  return bwrapUsable;
}

/** Judge servers as host subprocesses (inside bubblewrap when available). */
export class LocalSandbox extends JudgeSandbox {
  readonly kind = 'local' as const;
  protected pool: SlotPool;
  private readonly python: string;
  readonly isolated: boolean;

  constructor(private readonly opts: LocalSandboxOptions) {
    super();
    this.python = opts.python ?? 'python3';
    this.isolated = opts.bwrap !== false && hasBwrap();
    this.pool = new SlotPool(opts.parallel, () => this.createSlot());
  }

  /**
   * Interpreter and judge version. Learned from the first judge's ready message; asked before any
   * judge started, one probe of the same interpreter (same PATH) answers, also kept.
   */
  environmentId(): string {
    if (this.envId === undefined) {
      const v = spawnSync(this.python, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8', env: { PATH: JUDGE_PATH } });
      this.envId = this.idFor(v.stdout?.trim() || '?');
    }
    return this.envId;
  }

  private envId?: string;

  private idFor(pythonVersion: string): string {
    return `local:${this.python}:${pythonVersion}:judge-${judgeHash()}`;
  }

  /** Records the environment a ready judge reports; a judge on another interpreter than before is an error. */
  private noteReady(ready: ReadyInfo): void {
    const id = this.idFor(ready.python);
    this.envId ??= id;
    if (id !== this.envId) throw new InfraError('JUDGE_START', `local judge runs ${id}, expected ${this.envId}`);
  }

  private async createSlot(): Promise<Slot> {
    const scratchHost = mkdtempSync(join(tmpdir(), 'codeconv-judge-'));
    // Inside bubblewrap the judge is bound into the private /tmp (which would hide a checkout under
    // /tmp); the root is read-only, so no other mount point can be made. The judge's wipe skips it.
    const judge = this.isolated ? '/tmp/.judge/judge.py' : join(judgeDir(), 'judge.py');
    const serverArgs = ['-P', '-s', '-B', judge, 'serve', '--preload', this.opts.preload ?? 'json,unittest,unittest.mock,re,collections,itertools,math'];
    const env = { PATH: JUDGE_PATH, TZ: 'UTC', LANG: 'C.UTF-8', OMP_NUM_THREADS: '1', MPLBACKEND: 'Agg', PYTHONHASHSEED: '0' };
    let cmd: string;
    let args: string[];
    if (this.isolated) {
      cmd = 'bwrap';
      args = [
        '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--ro-bind', judgeDir(), '/tmp/.judge', '--unshare-all',
        '--die-with-parent', '--new-session', '--as-pid-1', '--clearenv',
        ...Object.entries({ ...env, HOME: '/tmp', JUDGE_SCRATCH: '/tmp', MPLCONFIGDIR: '/tmp/.mpl' }).flatMap(([k, v]) => ['--setenv', k, v]),
        '--chdir', '/tmp', this.python, ...serverArgs,
      ];
    } else {
      cmd = this.python;
      args = serverArgs;
    }
    const child = spawn(cmd, args, {
      cwd: scratchHost,
      env: this.isolated ? {} : { ...env, HOME: scratchHost, JUDGE_SCRATCH: scratchHost, MPLCONFIGDIR: join(scratchHost, '.mpl') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let errTail = '';
    child.stderr.on('data', (d: Buffer) => { errTail = (errTail + d.toString()).slice(-2000); });
    const conn = new JudgeConnection(child.stdin, child.stdout, `local judge ${child.pid ?? '?'}`);
    child.on('error', (e) => conn.fail(new InfraError('JUDGE_START', `cannot start ${cmd}: ${e.message}`)));
    const destroy = async (): Promise<void> => {
      child.kill('SIGKILL');
      rmSync(scratchHost, { recursive: true, force: true });
    };
    try {
      this.noteReady(await conn.waitReady(60_000));
    } catch (err) {
      await destroy();
      throw new InfraError('JUDGE_START', `${(err as Error).message}${errTail ? `: ${errTail.trim().split('\n').pop()}` : ''}`);
    }
    return { conn, destroy };
  }
}
