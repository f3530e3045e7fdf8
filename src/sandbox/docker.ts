import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { InfraError } from '../util/errors.js';
import { JudgeConnection } from './connection.js';
import { ownContainer, releaseContainer } from './owned-containers.js';
import { JudgeSandbox } from './judge-sandbox.js';
import { defaultImage, judgeDir, judgeHash } from './paths.js';
import { HOST_LABEL, LABEL, PID_LABEL, removeLeftovers } from './leftovers.js';
import { SlotPool, type Slot } from './pool.js';
import type { DockerSpecSchema, SpecOptions } from './spec.js';

/** The docker spec's options (src/sandbox/spec.ts). */
export type DockerSandboxOptions = SpecOptions<typeof DockerSpecSchema>;

/** The container limits with their defaults. */
function limitsOf(o: Omit<DockerSandboxOptions, 'parallel'>): { memoryMb: number; cpus: number; pidsLimit: number; tmpfsMb: number } {
  return { memoryMb: o.memoryMb ?? 4096, cpus: o.cpus ?? 1, pidsLimit: o.pidsLimit ?? 512, tmpfsMb: o.tmpfsMb ?? 1024 };
}

/** The limits part of a docker environment id, e.g. "mem4096m-cpu1-pids512-tmp1024m". */
export function dockerLimitsId(o: Omit<DockerSandboxOptions, 'parallel'>): string {
  const l = limitsOf(o);
  return `mem${l.memoryMb}m-cpu${l.cpus}-pids${l.pidsLimit}-tmp${l.tmpfsMb}m`;
}

/** Docker containers with no network, a read-only root, limits, a warm pre-importing judge each. */
export class DockerSandbox extends JudgeSandbox {
  readonly kind = 'docker' as const;
  protected pool: SlotPool;
  private readonly docker: Docker;
  private readonly image: string;
  private seq = 0;

  constructor(private readonly opts: DockerSandboxOptions) {
    super();
    this.docker = new Docker({ socketPath: opts.socketPath ?? process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' });
    this.image = opts.image ?? process.env.CODECONV_IMAGE ?? defaultImage();
    this.pool = new SlotPool(opts.parallel, () => this.createSlot());
  }

  /** Image, judge version and every container limit that can change a verdict (memory, CPUs, pids, /tmp size). */
  environmentId(): string {
    return `docker:${this.image}:judge-${judgeHash()}:${dockerLimitsId(this.opts)}`;
  }

  override async start(): Promise<void> {
    await this.preflight();
    return super.start();
  }

  private preflightDone?: Promise<void>;

  private preflight(): Promise<void> {
    this.preflightDone ??= (async () => {
      try {
        await this.docker.ping();
      } catch {
        throw new InfraError(
          'NO_DOCKER',
          'cannot reach the Docker engine; start it with `bash scripts/ensure-docker.sh` (installs docker.io and starts dockerd), or use --sandbox local',
        );
      }
      try {
        await this.docker.getImage(this.image).inspect();
      } catch {
        throw new InfraError('NO_IMAGE', `sandbox image ${this.image} is not built; run \`bash scripts/build-image.sh\``);
      }
      await removeLeftovers(this.docker);
    })();
    return this.preflightDone;
  }

  private async createSlot(): Promise<Slot> {
    const o = this.opts;
    const memory = limitsOf(o).memoryMb * 1024 * 1024;
    // -P -s instead of -I so that PYTHONHASHSEED (set below, environment built here) is honoured.
    const cmd = ['python3', '-P', '-s', '-B', '/judge/judge.py', 'serve'];
    if (o.preload !== undefined) cmd.push('--preload', o.preload);
    const container = await this.docker.createContainer({
      name: `codeconv-${process.pid}-${++this.seq}-${Date.now().toString(36)}`,
      Image: this.image,
      Cmd: cmd,
      User: '1000:1000',
      WorkingDir: '/tmp',
      Env: [
        'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', 'TZ=UTC', 'LANG=C.UTF-8', 'OMP_NUM_THREADS=1',
        'OPENBLAS_NUM_THREADS=1', 'MKL_NUM_THREADS=1', 'MPLBACKEND=Agg', 'MPLCONFIGDIR=/tmp/.mpl', 'JUDGE_SCRATCH=/tmp',
        // One string-hash seed for every judgment: set iteration order no longer varies run to run.
        'PYTHONHASHSEED=0',
      ],
      AttachStdin: true, AttachStdout: true, AttachStderr: true, OpenStdin: true, StdinOnce: false, Tty: false,
      Labels: { [LABEL]: '1', [PID_LABEL]: String(process.pid), [HOST_LABEL]: hostname() },
      HostConfig: {
        NetworkMode: 'none',
        Memory: memory,
        MemorySwap: memory,
        PidsLimit: limitsOf(o).pidsLimit,
        NanoCpus: Math.round(limitsOf(o).cpus * 1e9),
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,exec,nosuid,nodev,size=${limitsOf(o).tmpfsMb}m,mode=1777` },
        ShmSize: 64 * 1024 * 1024,
        Binds: [`${judgeDir()}:/judge:ro`],
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Ulimits: [{ Name: 'nofile', Soft: 4096, Hard: 4096 }],
      },
    });
    ownContainer(container.id);
    const destroy = async (): Promise<void> => {
      releaseContainer(container.id);
      await container.remove({ force: true }).catch(() => undefined);
    };
    try {
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream & import('node:stream').Duplex;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let errTail = '';
      stderr.on('data', (d: Buffer) => { errTail = (errTail + d.toString()).slice(-2000); });
      container.modem.demuxStream(stream, stdout, stderr);
      stream.on('end', () => stdout.end());
      const conn = new JudgeConnection(stream, stdout, `container ${container.id.slice(0, 12)}`);
      await container.start();
      try {
        await conn.waitReady(120_000);
      } catch (err) {
        throw new InfraError('JUDGE_START', `${(err as Error).message}${errTail ? `: ${errTail.trim().split('\n').pop()}` : ''}`);
      }
      return {
        conn,
        destroy,
        oomKilled: async () => ((await container.inspect()).State?.OOMKilled ?? false),
      };
    } catch (err) {
      await destroy();
      throw err;
    }
  }
}

export { listSandboxContainers, removeLeftovers } from './leftovers.js';
