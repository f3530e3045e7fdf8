import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { join } from 'node:path';
import { execa } from 'execa';
import { Semaphore } from '../models/limiter.js';
import { defaultImage, projectRoot, recipeHash } from '../sandbox/paths.js';
import { InfraError } from '../util/errors.js';
import { ownContainer, releaseContainer } from '../sandbox/owned-containers.js';
import { HOST_LABEL, LABEL, PID_LABEL, removeLeftovers } from '../sandbox/leftovers.js';
import type { RepoSpecSchema, SpecOptions } from '../sandbox/spec.js';

export const REPO_ROOT_IN_IMAGE = '/opt/django';

/** Candidate text put over 1-based lines start..end of a file of the tree. */
export interface Replacement { file: string; start: number; end: number; text: string }

export interface RepoJob {
  replace?: Replacement;
  labels: string[];
  timeoutS: number;
  /** Also report the tree's checksum after the run (containment checks). */
  checksum?: boolean;
}

export interface RepoJudgment {
  output: string;
  returncode: number | null;
  timedOut: boolean;
  /** Test process time inside the container. */
  durationMs: number;
  /** Container start to removal, as seen from here. */
  wallMs: number;
  editedSha256?: string;
  treeSha256?: string;
  pristineSha256?: string;
}

/** The repo spec's options (src/sandbox/spec.ts); every one has a default. */
export type RepoSandboxOptions = Partial<SpecOptions<typeof RepoSpecSchema>>;

/** Kind label of run-repo's containers, beside the labels every sandbox container carries. */
const REPO_LABEL = 'codeconv.repo';

/** Labels of a run-repo container: the sandbox labels (so codeconv-cleanup and start-up sweeps find it) and its kind. */
export function repoContainerLabels(pid = process.pid, host = hostname()): string[] {
  return [`${LABEL}=1`, `${PID_LABEL}=${pid}`, `${HOST_LABEL}=${host}`, `${REPO_LABEL}=1`];
}
const pyDir = (): string => join(projectRoot, 'src', 'repo', 'python');

/** Same tag as scripts/build-repo-image.sh: a hash of the base image tag and the envs/django recipe. */
export function defaultRepoImage(): string {
  const h = createHash('sha256').update(`${defaultImage()}\n${recipeHash('django')}\n`).digest('hex').slice(0, 12);
  return `codeconv-django:${h}`;
}


/**
 * Each judgment runs in a fresh container of the Django image and is removed with it: the candidate
 * and anything it writes live in that container's own layer, so the image's tree is never changed.
 * No network, no capabilities, memory/pid/CPU limits, an unprivileged user, a time limit inside
 * and a kill from outside.
 */
export class RepoSandbox {
  readonly image: string;
  private readonly sem: Semaphore;
  private seq = 0;
  private checked?: Promise<void>;

  constructor(private readonly o: RepoSandboxOptions = {}) {
    this.image = o.image ?? process.env.CODECONV_REPO_IMAGE ?? defaultRepoImage();
    this.sem = new Semaphore(o.parallel ?? 1);
  }

  environmentId(): string {
    const h = createHash('sha256');
    for (const f of ['repo_judge.py', 'bounded_run.py']) h.update(readFileSync(join(pyDir(), f)));
    // The limits can change a verdict (an out-of-memory kill, a timeout under fewer CPUs).
    return `docker:${this.image}:repo-judge-${h.digest('hex').slice(0, 12)}:mem${this.o.memoryMb ?? 2048}m-cpu${this.o.cpus ?? 1}`;
  }

  /** Fails with one line when the engine or the image is missing. */
  preflight(): Promise<void> {
    this.checked ??= (async () => {
      const r = await execa('docker', ['image', 'inspect', this.image], { reject: false, timeout: 30_000 });
      if (r.exitCode !== 0) {
        const why = /Cannot connect|daemon/i.test(r.stderr) ? 'cannot reach the Docker engine (bash scripts/ensure-docker.sh)' : `image ${this.image} is not built; run \`bash scripts/build-repo-image.sh\``;
        throw new InfraError('NO_REPO_IMAGE', why);
      }
      // Containers of this host's dead runs (judge or repo) go, as every sandbox's start-up does.
      await removeLeftovers(new Docker({ socketPath: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' })).catch(() => 0);
    })();
    return this.checked;
  }

  async judge(job: RepoJob): Promise<RepoJudgment> {
    const t0 = Date.now();
    const res = (await this.run('repo_judge.py', 'judge', toPy(job), job.timeoutS + 60)) as PyJudgment;
    return fromPy(res, Date.now() - t0);
  }

  /**
   * Trusted jobs (the builder's own texts) in one container, the file restored after each; the tree
   * is checked against the pristine checksum at the end and the caller must not trust a batch whose
   * check failed. With stopUnlessFirstPasses, the rest is skipped when the first job fails.
   */
  async judgeBatch(jobs: RepoJob[], stopUnlessFirstPasses = false): Promise<{ results: RepoJudgment[]; treeOk: boolean }> {
    const t0 = Date.now();
    const limit = jobs.reduce((s, j) => s + j.timeoutS + 10, 60);
    const res = (await this.run('repo_judge.py', 'batch', { jobs: jobs.map(toPy), stop_unless_first_passes: stopUnlessFirstPasses }, limit)) as { results: PyJudgment[]; tree_ok: boolean };
    const wall = (Date.now() - t0) / Math.max(1, res.results.length);
    return { results: res.results.map((r) => fromPy(r, Math.round(wall))), treeOk: res.tree_ok };
  }

  /** Runs test apps once under a call tracer (the builder's single pass over the suite). */
  trace(apps: string[], timeoutS: number): Promise<unknown> {
    return this.run('repo_judge.py', 'trace', { apps }, timeoutS, 4096);
  }

  /**
   * Which Django the image's tree is (the version file envs/django/setup.sh writes; undefined when
   * the image has none) and which of these files the tree lacks: published records name files of
   * another Django.
   */
  async treeInfo(files: string[]): Promise<{ version?: string; missing: string[] }> {
    await this.preflight();
    const py = 'import json,os,sys\nfs=json.load(sys.stdin)\ntry:\n v=open("/opt/django-source.version").read().strip() or None\nexcept OSError:\n v=None\nprint(json.dumps({"version":v,"missing":[f for f in fs if not os.path.isfile(f)]}))';
    const args = ['run', '--rm', '-i', '--network', 'none', '--user', '1000:1000', ...repoContainerLabels().flatMap((l) => ['--label', l]), '-w', REPO_ROOT_IN_IMAGE, this.image, 'python3', '-c', py];
    const r = await execa('docker', args, { input: JSON.stringify(files), reject: false, timeout: 120_000 });
    if (r.exitCode !== 0) throw new InfraError('REPO_JUDGE', `reading the tree of ${this.image} failed (exit ${r.exitCode ?? 'killed'}): ${r.stderr.trim().slice(-300)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { version: string | null; missing: string[] };
    return { ...(out.version ? { version: out.version } : {}), missing: out.missing };
  }

  extract(input: unknown): Promise<unknown> {
    return this.run('extract.py', 'extract', input, 900, 4096);
  }

  private async run(script: string, mode: string, input: unknown, limitS: number, memoryMb = this.o.memoryMb ?? 2048): Promise<unknown> {
    await this.preflight();
    const release = await this.sem.acquire();
    const name = `codeconv-repo-${process.pid}-${++this.seq}-${Date.now().toString(36)}`;
    ownContainer(name);
    try {
      const args = [
        'run', '--rm', '-i', '--name', name, '--network', 'none', '--user', '1000:1000',
        '--memory', `${memoryMb}m`, '--memory-swap', `${memoryMb}m`, '--pids-limit', '256', '--cpus', String(this.o.cpus ?? 1),
        '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--ulimit', 'nofile=4096:4096',
        ...repoContainerLabels().flatMap((l) => ['--label', l]),
        '--tmpfs', '/tmp:rw,exec,nosuid,nodev,size=512m,mode=1777', '-e', 'HOME=/tmp', '-e', 'PYTHONHASHSEED=0',
        '-v', `${pyDir()}:/repojudge:ro`, '-w', REPO_ROOT_IN_IMAGE, this.image,
        // Lower priority inside the container too: the tests share the machine's cores.
        'nice', '-n', '10', 'python3', '-B', `/repojudge/${script}`, mode,
      ];
      const nonce = randomBytes(12).toString('hex');
      const marker = `@@RESULT-${nonce}@@`;
      const r = await execa('docker', args, { input: JSON.stringify({ ...(input as object), result_nonce: nonce }), reject: false, timeout: limitS * 1000, maxBuffer: 64 * 1024 * 1024 });
      const at = r.stdout.lastIndexOf(marker);
      if (at < 0) {
        const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
        throw new InfraError('REPO_JUDGE', `${mode} in ${this.image} gave no result (exit ${r.exitCode ?? 'killed'}${r.timedOut ? ', timed out' : ''}): ${tail.slice(0, 400)}`);
      }
      return JSON.parse(r.stdout.slice(at + marker.length).split('\n')[0]!) as unknown;
    } finally {
      await execa('docker', ['rm', '-f', name], { reject: false, timeout: 30_000 });
      releaseContainer(name);
      release();
    }
  }
}

interface PyJudgment { output: string; returncode: number | null; timed_out: boolean; duration_ms: number; edited_sha256?: string; tree_sha256?: string; pristine_sha256?: string }

function toPy(job: RepoJob): Record<string, unknown> {
  return { ...(job.replace ? { replace: job.replace } : {}), labels: job.labels, timeout_s: job.timeoutS, ...(job.checksum ? { checksum: true } : {}) };
}

function fromPy(r: PyJudgment, wallMs: number): RepoJudgment {
  return {
    output: r.output, returncode: r.returncode, timedOut: r.timed_out, durationMs: r.duration_ms, wallMs,
    ...(r.edited_sha256 ? { editedSha256: r.edited_sha256 } : {}),
    ...(r.tree_sha256 ? { treeSha256: r.tree_sha256, pristineSha256: r.pristine_sha256 ?? '' } : {}),
  };
}
