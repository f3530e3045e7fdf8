#!/usr/bin/env node
import { Command, Option } from 'commander';
import { LOCAL_SANDBOX_WARNING } from '../sandbox/index.js';
import { startWorker, WorkerOptionsSchema, type WorkerOptions } from '../sandbox/queue/index.js';
import { UserError } from '../util/errors.js';
import { cliMain, defaultOf, isEntryPoint } from './common.js';
import { positiveInt, QUEUE_HELP } from './sandbox-options.js';

function buildProgram(): Command {
  return new Command('run-worker')
    .description('Judge code for coordinators running with --sandbox queue: takes jobs from a Redis queue and judges them in this machine\'s own sandbox pool')
    .option('--queue <url>', QUEUE_HELP.replace('with --sandbox queue: ', ''))
    .option('--parallel <n>', 'sandbox slots on this machine, jobs judged at once (2 per core)', positiveInt('--parallel'), defaultOf(WorkerOptionsSchema, 'parallel'))
    .addOption(new Option('--sandbox <kind>', `docker (isolated containers) or local (${LOCAL_SANDBOX_WARNING})`).choices(['docker', 'local']).default(defaultOf(WorkerOptionsSchema, 'sandbox')))
    .option('--image <tag>', 'sandbox image (default: the tag built from envs/bigcodebench); takes only jobs that name it')
    .option('--memory-mb <n>', 'memory limit per container in MB', positiveInt('--memory-mb'))
    .option('--lock-ms <n>', 'lock on a job being judged: a killed worker\'s job goes back to the queue this long after its last renewal', positiveInt('--lock-ms'), defaultOf(WorkerOptionsSchema, 'lockMs'))
    .exitOverride()
    .action(async (o: Partial<WorkerOptions>) => {
      if (!o.queue) throw new UserError('MISSING_OPTION', '--queue is required (redis://host:port)');
      const worker = await startWorker({ ...o, queue: o.queue });
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
