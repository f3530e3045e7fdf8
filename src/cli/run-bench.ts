#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ModelParamsSchema } from '../models/spec.js';
import { BenchOptionsSchema, runBench, type BenchOptions } from '../replay/bench.js';
import { freezeReference } from '../replay/freeze.js';
import { benchTable } from '../replay/report.js';
import { STATIC_SETTINGS } from '../replay/types.js';
import { progressReporter } from '../report/progress-reporter.js';
import { createRunLogger } from '../report/run-log.js';
import { UserError } from '../util/errors.js';
import { CONVCODEWORLD_DATASET } from '../tasks/bigcodebench.js';
import { isDatasetName, prepareDataset, stderrProgress, type DatasetRef } from '../data/index.js';
import type { FlagTable } from '../config/flags.js';
import { EPISODE_FLAGS } from '../config/world.js';
import { cliMain, defaultOf, isEntryPoint, reportErrored } from './common.js';
import { addFlags, flagValues } from './flags.js';
import { addSandboxOptions, positiveInt, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';
import { formatCallCounts } from '../models/cache.js';

/** run-bench's flags, keyed by BenchOptionsSchema (which holds the defaults). */
export const RUN_BENCH_FLAGS: FlagTable<typeof BenchOptionsSchema.shape> = {
  reference: { flag: '--reference <path>', description: 'run-world run directory, frozen reference file (run-bench freeze), ConvCodeBench logs (.parquet, .json), or the name convcodebench (the published logs)' },
  model: { flag: '--model <spec>', description: `target model: ${MODEL_SPEC_FORMS}` },
  settings: { flag: '--setting <names>', description: 'settings to replay, comma-separated', defaultText: `those in the reference among ${STATIC_SETTINGS.join(', ')}` },
  ids: { flag: '--ids <ids>', description: 'only these task ids (comma-separated)' },
  limit: { flag: '--limit <n>', description: 'only the first n tasks of the reference' },
  dataset: { flag: '--dataset <file>', description: 'BigCodeBench tasks: a data set name (bigcodebench@v0.1.0_hf) or a file', defaultText: 'the reference\'s dataset; its hash must match' },
  maxTurns: { flag: '--max-turns <n>', description: 'refinement turns after turn 0, at most the reference\'s', defaultText: 'the reference\'s' },
  concurrency: EPISODE_FLAGS.concurrency,
  compensateInit: { flag: '--no-compensate-init', description: 'do not credit the target\'s own turn-0 code in MRR (its loop starts at turn 1; recall always starts at turn 0)' },
  maxCallsPerTurn: EPISODE_FLAGS.maxCallsPerTurn,
  turn0Samples: { flag: '--turn0 <samples.jsonl>', description: 'the target\'s turn 0 from this BigCodeBench samples file ({task_id, solution}) instead of its own BigCodeBench generation' },
  excludeInitSolved: { flag: '--exclude-init-solved', description: 'score only the tasks the target did not solve at its own turn 0' },
  timeoutS: { flag: '--timeout <s>', description: 'time limit per test suite in seconds', defaultText: 'the reference\'s' },
  seed: { flag: '--seed <n>', description: 'seed of the offline models' },
  referenceModel: { flag: '--reference-model <name>', description: 'name of the reference model, for imported logs that do not record it' },
  cache: EPISODE_FLAGS.cache,
  out: { flag: '--out <dir>', description: 'output directory (one setting: the run directory; several: one sub-directory per setting); rerunning resumes' },
};

type BenchCliOptions = SandboxCliOptions & Record<string, unknown> & { maxTokens?: number; turn0Prompt?: string; quiet?: boolean };

function buildProgram(): Command {
  const program = new Command('run-bench')
    .description(
      'ConvCodeBench: replay frozen reference logs for a target model. Turn 0 is the target\'s own code; turn i refines the ' +
      'reference\'s code of turn i-1 with recomputed compilation feedback, the execution and user feedback of the log (or recomputed, as the log\'s protocol says); no simulator calls.',
    )
    .enablePositionalOptions()
    .exitOverride();

  addFlags(program, BenchOptionsSchema, RUN_BENCH_FLAGS)
    .option('--max-tokens <n>', `token limit per answer (default ${defaultOf(ModelParamsSchema, 'maxTokens')})`, positiveInt('--max-tokens'))
    .addOption(new Option('--turn0-prompt <style>').hideHelp())
    .option('--quiet', 'no progress bar');
  addSandboxOptions(program).action(async () => {
    const o = program.opts<BenchCliOptions>();
    if (o.turn0Prompt !== undefined) throw new UserError('BAD_OPTION', '--turn0-prompt was replaced by the protocol, which a replay takes from its reference log (the target\'s turn 0: its BigCodeBench generation, or --turn0 samples.jsonl)');
    const v = flagValues(o, RUN_BENCH_FLAGS) as Partial<BenchOptions>;
    if (!v.reference) throw new UserError('MISSING_OPTION', '--reference is required');
    if (!v.model) throw new UserError('MISSING_OPTION', '--model is required');
    if (!v.out) throw new UserError('MISSING_OPTION', '--out is required');
    const logger = createRunLogger(resolve(v.out), o.quiet);
    // Names (convcodebench, bigcodebench@<version>) are pulled first; the replay reads local files.
    const named = async (x: string, file?: (r: DatasetRef) => string): Promise<string> => (isDatasetName(x) ? (file ?? ((r) => r.records))(await prepareDataset(x, { progress: stderrProgress() })) : x);
    const reference = await named(v.reference, (r) => Object.values(r.files)[0]!);
    // The published logs were made on ConvCodeWorld's BigCodeBench version.
    const dataset = v.dataset ? await named(v.dataset) : reference !== v.reference && v.reference === 'convcodebench' ? await named(CONVCODEWORLD_DATASET) : undefined;
    const sandbox = sandboxFromCli(o);
    try {
      const r = await runBench(
        { ...v, reference, model: v.model, out: v.out, dataset, modelParams: o.maxTokens ? { maxTokens: o.maxTokens } : {} },
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
