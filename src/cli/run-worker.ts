#!/usr/bin/env node
import { Command } from 'commander';
import type { FlagTable } from '../config/flags.js';
import { parseOptions } from '../config/options.js';
import { createSandbox } from '../sandbox-factory/create.js';
import { LOCAL_SANDBOX_WARNING } from '../sandbox/index.js';
import { startWorker, WorkerOptionsSchema, type WorkerOptions } from '../sandbox/queue/index.js';
import { UserError } from '../util/errors.js';
import { cliMain, isEntryPoint } from './common.js';
import { addFlags, flagValues } from './flags.js';
import { QUEUE_HELP } from './sandbox-options.js';

/** run-worker's flags, keyed by WorkerOptionsSchema (which holds the defaults). */
export const RUN_WORKER_FLAGS: FlagTable<typeof WorkerOptionsSchema.shape> = {
  queue: { flag: '--queue <url>', description: QUEUE_HELP.replace('with --sandbox queue: ', '') },
  parallel: { flag: '--parallel <n>', description: 'sandbox slots on this machine, jobs judged at once (2 per core)' },
  sandbox: { flag: '--sandbox <kind>', description: `docker (isolated containers) or local (${LOCAL_SANDBOX_WARNING})` },
  image: { flag: '--image <tag>', description: 'sandbox image (default: the tag built from envs/bigcodebench); takes only jobs that name it' },
  memoryMb: { flag: '--memory-mb <n>', description: 'memory limit per container in MB' },
  lockMs: { flag: '--lock-ms <n>', description: 'lock on a job being judged: a killed worker\'s job goes back to the queue this long after its last renewal' },
  quiet: { flag: '--quiet', description: 'no line when serving starts and stops (warnings and errors are still printed)' },
};

function buildProgram(): Command {
  const cmd = new Command('run-worker')
    .description('Judge code for coordinators running with --sandbox queue: takes jobs from a Redis queue and judges them in this machine\'s own sandbox pool');
  return addFlags(cmd, WorkerOptionsSchema, RUN_WORKER_FLAGS)
    .exitOverride()
    .action(async (raw: Record<string, unknown>) => {
      const given = flagValues(raw, RUN_WORKER_FLAGS) as Partial<WorkerOptions>;
      if (!given.queue) throw new UserError('MISSING_OPTION', '--queue is required (redis://host:port)');
      const o = parseOptions(WorkerOptionsSchema, given);
      const sandbox = createSandbox(o.sandbox === 'local' ? { kind: 'local', parallel: o.parallel } : { kind: 'docker', parallel: o.parallel, image: o.image, memoryMb: o.memoryMb });
      const worker = await startWorker(o, sandbox);
      // Serves until stopped; SIGINT/SIGTERM finish the jobs in hand (Docker's own hook may exit first).
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
      });
      await worker.close();
      if (!o.quiet) process.stderr.write(`run-worker: stopped after ${worker.counts.judged} judgments\n`);
    });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-worker', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
