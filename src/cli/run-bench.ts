#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ModelParamsSchema } from '../models/spec.js';
import { BenchOptionsSchema, runBench } from '../replay/bench.js';
import { freezeReference } from '../replay/freeze.js';
import { benchTable } from '../replay/report.js';
import { STATIC_SETTINGS } from '../replay/types.js';
import { progressReporter } from '../report/progress-reporter.js';
import { createRunLogger } from '../report/run-log.js';
import { UserError } from '../util/errors.js';
import { CONVCODEWORLD_DATASET } from '../tasks/bigcodebench.js';
import { isDatasetName, prepareDataset, stderrProgress, type DatasetRef } from '../data/index.js';
import { cliMain, csv, defaultOf, isEntryPoint, reportErrored } from './common.js';
import { addSandboxOptions, positiveInt, positiveNumber, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';
import { formatCallCounts } from '../models/cache.js';

interface BenchCliOptions extends SandboxCliOptions {
  reference?: string;
  model?: string;
  setting?: string[];
  ids?: string[];
  limit?: number;
  dataset?: string;
  maxTurns?: number;
  concurrency?: number;
  compensateInit?: boolean;
  maxCallsPerTurn?: number;
  turn0Prompt?: string;
  turn0?: string;
  excludeInitSolved?: boolean;
  timeout?: number;
  seed?: number;
  maxTokens?: number;
  cache?: boolean;
  referenceModel?: string;
  quiet?: boolean;
  out?: string;
}

function nonNegInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UserError('BAD_OPTION', `${name} must be a whole number >= 0, got "${v}"`);
    return n;
  };
}

function buildProgram(): Command {
  const program = new Command('run-bench')
    .description(
      'ConvCodeBench: replay frozen reference logs for a target model. Turn 0 is the target\'s own code; turn i refines the ' +
      'reference\'s code of turn i-1 with recomputed compilation feedback, the execution and user feedback of the log (or recomputed, as the log\'s protocol says); no simulator calls.',
    )
    .enablePositionalOptions()
    .exitOverride();

  addSandboxOptions(
    program
      .option('--reference <path>', 'run-world run directory, frozen reference file (run-bench freeze), ConvCodeBench logs (.parquet, .json), or the name convcodebench (the published logs)')
      .option('--model <spec>', `target model: ${MODEL_SPEC_FORMS}`)
      .option('--setting <names>', `settings to replay, comma-separated (default: those in the reference among ${STATIC_SETTINGS.join(', ')})`, csv)
      .option('--ids <ids>', 'only these task ids (comma-separated)', csv)
      .option('--limit <n>', 'only the first n tasks of the reference', positiveInt('--limit'))
      .option('--dataset <file>', 'BigCodeBench tasks: a data set name (bigcodebench@v0.1.0_hf) or a file (default: the reference\'s dataset; its hash must match)')
      .option('--max-turns <n>', 'refinement turns after turn 0 (default and maximum: the reference\'s)', nonNegInt('--max-turns'))
      .option('--concurrency <n>', 'episodes in flight', positiveInt('--concurrency'), defaultOf(BenchOptionsSchema, 'concurrency'))
      .option('--no-compensate-init', 'do not credit the target\'s own turn-0 code in MRR (its loop starts at turn 1; recall always starts at turn 0)')
      .option('--max-calls-per-turn <n>', 'coder calls per turn, compile fixes and the refinement together', positiveInt('--max-calls-per-turn'), defaultOf(BenchOptionsSchema, 'maxCallsPerTurn'))
      .option('--turn0 <samples.jsonl>', 'the target\'s turn 0 from this BigCodeBench samples file ({task_id, solution}) instead of its own BigCodeBench generation')
      .addOption(new Option('--turn0-prompt <style>').hideHelp())
      .option('--exclude-init-solved', 'score only the tasks the target did not solve at its own turn 0')
      .option('--timeout <s>', 'time limit per test suite in seconds (default: the reference\'s)', positiveNumber('--timeout'))
      .option('--seed <n>', 'seed of the offline models', (v) => Number.parseInt(v, 10), defaultOf(BenchOptionsSchema, 'seed'))
      .option('--max-tokens <n>', `token limit per answer (default ${defaultOf(ModelParamsSchema, 'maxTokens')})`, positiveInt('--max-tokens'))
      .option('--reference-model <name>', 'name of the reference model, for imported logs that do not record it')
      .option('--no-cache', 'bypass the response and execution caches')
      .option('--quiet', 'no progress bar')
      .option('--out <dir>', 'output directory (one setting: the run directory; several: one sub-directory per setting); rerunning resumes'),
  ).action(async () => {
    const o = program.opts<BenchCliOptions>();
    if (o.turn0Prompt !== undefined) throw new UserError('BAD_OPTION', '--turn0-prompt was replaced by the protocol, which a replay takes from its reference log (the target\'s turn 0: its BigCodeBench generation, or --turn0 samples.jsonl)');
    if (!o.reference) throw new UserError('MISSING_OPTION', '--reference is required');
    if (!o.model) throw new UserError('MISSING_OPTION', '--model is required');
    if (!o.out) throw new UserError('MISSING_OPTION', '--out is required');
    const logger = createRunLogger(resolve(o.out), o.quiet);
    // Names (convcodebench, bigcodebench@<version>) are pulled first; the replay reads local files.
    const named = async (v: string, file?: (r: DatasetRef) => string): Promise<string> => (isDatasetName(v) ? (file ?? ((r) => r.records))(await prepareDataset(v, { progress: stderrProgress() })) : v);
    const reference = await named(o.reference, (r) => Object.values(r.files)[0]!);
    // The published logs were made on ConvCodeWorld's BigCodeBench version.
    const dataset = o.dataset ? await named(o.dataset) : reference !== o.reference && o.reference === 'convcodebench' ? await named(CONVCODEWORLD_DATASET) : undefined;
    const sandbox = sandboxFromCli(o);
    try {
      const r = await runBench(
        {
          reference, model: o.model, settings: o.setting, ids: o.ids, limit: o.limit, dataset, maxTurns: o.maxTurns, out: o.out,
          concurrency: o.concurrency, compensateInit: o.compensateInit, maxCallsPerTurn: o.maxCallsPerTurn, ...(o.turn0 ? { turn0Samples: o.turn0 } : {}), excludeInitSolved: o.excludeInitSolved, timeoutS: o.timeout, seed: o.seed, cache: o.cache,
          modelParams: o.maxTokens ? { maxTokens: o.maxTokens } : {}, referenceModel: o.referenceModel,
        },
        {
          sandbox, logger,
          ...(o.quiet ? {} : { reporter: progressReporter('run-bench') }),
        },
      );
      process.stdout.write(benchTable(r));
      for (const run of r.runs) {
        process.stdout.write(`run directory: ${run.runDir}  (${run.stats.episodesRun} episodes run, ${run.stats.resumed} resumed; ${run.stats.judged} judgments, ${run.stats.execCacheHits} from cache)\n`);
        process.stdout.write(`${formatCallCounts({ live: run.stats.modelCalls, cached: run.stats.cachedAnswers, cachedSince: run.stats.cachedSince })}\n`);
        reportErrored('run-bench', run.summary.errored_tasks, run.runDir, run.summary.errored_scored);
      }
    } finally {
      await sandbox.close();
      await logger.close();
    }
  });

  program
    .command('freeze')
    .description('write a compact, hash-protected reference file from a run directory or ConvCodeBench logs')
    .requiredOption('--run <paths...>', 'run-world run directory (several: one per setting, merged), ConvCodeBench logs (.parquet, .json), or a reference file')
    .requiredOption('--out <file>', 'reference file to write (.json, or .json.gz to compress)')
    .option('--dataset <file>', 'for imported logs: check every task is in this dataset and record its name and hash')
    .option('--reference-model <name>', 'name of the reference model, for imported logs that do not record it')
    .action(async (_args: unknown, cmd: Command) => {
      const o = cmd.opts<{ run: string[]; out: string; dataset?: string; referenceModel?: string }>();
      const r = await freezeReference(o);
      const ref = r.doc.payload;
      process.stdout.write(
        `${r.file}: reference ${ref.reference_model}, protocol ${ref.protocol}, settings ${r.settings.join(', ')}, ${r.tasks} tasks, ${ref.max_turns} turns, ${ref.timeout_s} s per suite, simulator ${ref.user_model ?? 'unknown'}, ` +
        `dataset ${ref.dataset.name} (${ref.dataset.sha256 ? `sha256 ${ref.dataset.sha256.slice(0, 12)}` : 'hash unknown'}), content sha256 ${r.doc.content_sha256.slice(0, 12)}\n`,
      );
    });
  return program;
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-bench', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
