#!/usr/bin/env node
import { Command, Option } from 'commander';
import { createSandbox, LOCAL_SANDBOX_WARNING } from '../sandbox/index.js';
import { QueueWorker } from '../sandbox/queue/index.js';
import { defaultSlots } from '../sandbox/slots.js';
import { UserError } from '../util/errors.js';
import { cliMain, isEntryPoint } from './common.js';
import { positiveInt, QUEUE_HELP } from './sandbox-options.js';

interface WorkerCliOptions {
  queue?: string;
  parallel: number;
  sandbox: 'docker' | 'local';
  image?: string;
  memoryMb?: number;
  lockMs: number;
}

function buildProgram(): Command {
  return new Command('run-worker')
    .description('Judge code for coordinators running with --sandbox queue: takes jobs from a Redis queue and judges them in this machine\'s own sandbox pool')
    .option('--queue <url>', QUEUE_HELP.replace('with --sandbox queue: ', ''))
    .option('--parallel <n>', 'sandbox slots on this machine, jobs judged at once (2 per core)', positiveInt('--parallel'), defaultSlots())
    .addOption(new Option('--sandbox <kind>', `docker (isolated containers) or local (${LOCAL_SANDBOX_WARNING})`).choices(['docker', 'local']).default('docker'))
    .option('--image <tag>', 'sandbox image (default: the tag built from envs/bigcodebench); takes only jobs that name it')
    .option('--memory-mb <n>', 'memory limit per container in MB', positiveInt('--memory-mb'))
    .option('--lock-ms <n>', 'lock on a job being judged: a killed worker\'s job goes back to the queue this long after its last renewal', positiveInt('--lock-ms'), 30_000)
    .exitOverride()
    .action(async (o: WorkerCliOptions) => {
      if (!o.queue) throw new UserError('MISSING_OPTION', '--queue is required (redis://host:port)');
      const sandbox = createSandbox({ kind: o.sandbox, parallel: o.parallel, docker: { image: o.image, memoryMb: o.memoryMb } }) as ReturnType<typeof createSandbox> & { kind: 'docker' | 'local' };
      const worker = new QueueWorker({ url: o.queue, sandbox, slots: o.parallel, lockMs: o.lockMs });
      try {
        await worker.start();
      } catch (err) {
        await sandbox.close().catch(() => undefined);
        throw err;
      }
      // Serves until stopped; SIGINT/SIGTERM finish the jobs in hand (Docker's own hook may exit first).
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
      });
      await worker.close();
      process.stderr.write(`run-worker: stopped after ${worker.counts.judged} judgments\n`);
    });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-worker', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
