#!/usr/bin/env node
import { Command } from 'commander';
import { UserError } from '../util/errors.js';
import { startViewServer, ViewOptionsSchema } from '../view/server.js';
import { cliMain, defaultOf, isEntryPoint } from './common.js';
import { positiveInt } from './sandbox-options.js';

interface Opts {
  port: number;
  host: string;
  pollMs: number;
  resamples: number;
  seed: number;
}

function buildProgram(): Command {
  return new Command('view')
    .description('Serve a live browser over every run directory below dir (run-world, run-bench, run-eval, run-reasoning, run-repo): runs, the papers\' tables, per-turn curves, conversations; pages update as runs are written')
    .argument('[dir]', 'directory holding run directories', defaultOf(ViewOptionsSchema, 'dir'))
    .option('--port <n>', 'port to listen on (0: any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError('BAD_OPTION', `--port must be an integer 0..65535, got "${v}"`);
      return n;
    }, defaultOf(ViewOptionsSchema, 'port'))
    .option('--host <addr>', 'address to listen on (loopback only unless you ask; the pages show code and paths)', defaultOf(ViewOptionsSchema, 'host'))
    .option('--poll-ms <n>', 'how often run directories are checked for changes', positiveInt('--poll-ms'), defaultOf(ViewOptionsSchema, 'pollMs'))
    .option('--resamples <n>', 'bootstrap resamples of the tables\' CIs', positiveInt('--resamples'), defaultOf(ViewOptionsSchema, 'resamples'))
    .option('--seed <n>', 'bootstrap seed', (v) => Number.parseInt(v, 10), defaultOf(ViewOptionsSchema, 'seed'))
    .action(async (dir: string, o: Opts) => {
      const s = await startViewServer({ dir, ...o });
      process.stderr.write(`view: ${s.index.list().length} runs below ${s.index.root}; serving ${s.url} (Ctrl-C stops)\n`);
      await new Promise<void>((done) => {
        const stop = (): void => { void s.close().then(done); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('view', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
