#!/usr/bin/env node
import { skippedLine } from '../metrics/pass-at-k.js';
import { Command, Option } from 'commander';
import { runEval, RunEvalOptionsSchema } from '../eval/run-eval.js';
import { progressReporter } from '../report/progress-reporter.js';
import { cliMain, csv, defaultOf, isEntryPoint } from './common.js';
import { addSandboxOptions, positiveNumber, sandboxFromCli, sandboxOptions, type SandboxCliOptions } from './sandbox-options.js';

function buildProgram(): Command {
  return addSandboxOptions(
    new Command('run-eval')
      .description('Judge BigCodeBench solutions against their unittest suites in a sandbox (BigCodeBench-compatible results)')
      .option('--dataset <file>', 'BigCodeBench tasks (JSON lines)', defaultOf(RunEvalOptionsSchema, 'dataset'))
      .option('--samples <file>', 'solutions as JSON lines {"task_id", "solution"}')
      .option('--canonical', 'judge the canonical solutions instead of samples')
      .option('--ids <ids>', 'only these task ids (comma-separated, "13" or "BigCodeBench/13")', csv)
      .addOption(new Option('--subset <name>', 'task subset').choices(['full', 'hard']).default(defaultOf(RunEvalOptionsSchema, 'subset')))
      .option('--timeout <s>', 'time limit for a whole test suite in seconds', positiveNumber('--timeout'), defaultOf(RunEvalOptionsSchema, 'timeoutS'))
      .option('--no-calibrated', 'do not prefix the prompt header and a pass body to each solution')
      .requiredOption('--out <dir>', 'output directory (rerunning with the same --out resumes)'),
  ).action(async (o: SandboxCliOptions & { dataset?: string; samples?: string; canonical?: boolean; ids?: string[]; subset?: 'full' | 'hard'; timeout?: number; calibrated?: boolean; out: string }) => {
    const sb = sandboxOptions(o);
    const sandbox = sandboxFromCli(sb);
    try {
      const r = await runEval(
        { dataset: o.dataset, samples: o.samples, canonical: o.canonical, ids: o.ids, subset: o.subset, timeoutS: o.timeout, out: o.out, calibrated: o.calibrated, parallel: sb.parallel * 2 },
        { sandbox, reporter: progressReporter('run-eval') },
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
