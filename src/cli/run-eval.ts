#!/usr/bin/env node
import { Command } from 'commander';
import { runEval, RUN_EVAL_FLAGS, RunEvalOptionsSchema, type RunEvalOptions } from '../eval/run-eval.js';
import { skippedLine } from '../metrics/pass-at-k.js';
import { progressReporter } from '../report/progress-reporter.js';
import { stderrProgress } from '../data/progress.js';
import { cliMain, isEntryPoint } from './common.js';
import { addFlags, flagValues } from './flags.js';
import { addSandboxOptions, sandboxFromCli, sandboxOptions, type SandboxCliOptions } from './sandbox-options.js';

function buildProgram(): Command {
  const cmd = new Command('run-eval')
    .description('Judge BigCodeBench solutions against their unittest suites in a sandbox (BigCodeBench-compatible results)');
  addFlags(cmd, RunEvalOptionsSchema, RUN_EVAL_FLAGS);
  return addSandboxOptions(cmd.option('--quiet', 'no progress bar')).action(async (o: SandboxCliOptions & Record<string, unknown> & { quiet?: boolean }) => {
    const sb = sandboxOptions(o);
    const sandbox = sandboxFromCli(sb);
    try {
      const r = await runEval(
        { ...flagValues(o, RUN_EVAL_FLAGS), parallel: sb.parallel * 2 } as RunEvalOptions,
        { sandbox, progress: stderrProgress(), ...(o.quiet ? {} : { reporter: progressReporter('run-eval') }) },
      );
      const k = [...Object.entries(r.passAtK).map(([n, v]) => `${n} ${(v * 100).toFixed(1)}`), skippedLine(r.passAtKSkipped)].filter(Boolean).join('  ');
      const replaced = Object.entries((sandbox as { replacements?: Record<string, number> }).replacements ?? {});
      if (replaced.length) process.stderr.write(`run-eval: sandbox slots replaced after unclean resets: ${replaced.map(([k, v]) => `${v}x ${k}`).join('; ')}\n`);
      process.stdout.write(`${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.timeout} timeout (${r.judged} judged, ${r.resumed} resumed${r.merged ? `, ${r.merged} kept from earlier runs in this directory` : ''})  ${k}\n${r.file}\n`);
    } finally {
      await sandbox.close();
    }
  });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-eval', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
