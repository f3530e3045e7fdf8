#!/usr/bin/env node
import { skippedLine } from '../metrics/pass-at-k.js';
import { Command } from 'commander';
import { parseModelSpec } from '../models/spec.js';
import {
  CASE2CODE_DEFAULTS, DEFAULT_MAX_TOKENS as MAX_TOKENS, resolveReasoningOptions, runReasoning, RunReasoningOptionsSchema, scoreFile, ScoreFileOptionsSchema,
  type RunReasoningOptions, type RunReasoningResult, type ScoreFileOptions,
} from '../reasoning/run.js';
import { checkTaskName, prepareTaskData } from '../reasoning/data.js';
import { stderrProgress } from '../data/progress.js';
import { judgePreload } from '../reasoning/preload.js';
import { addSynthCommand } from './synth.js';
import { REASONING_TASKS } from '../reasoning/types.js';
import type { FlagTable } from '../config/flags.js';
import { progressReporter } from '../report/progress-reporter.js';
import { UserError } from '../util/errors.js';
import { cliMain, isEntryPoint } from './common.js';
import { addFlags, flagValues } from './flags.js';
import { addSandboxOptions, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';

const TASKS = REASONING_TASKS.join(', ');

const DATA_DIR_HELP = 'read the files from this directory (cruxeval/, codeglance/, case2code/) instead of the task\'s data set (cruxeval, codeglance:<set>, case2code: pulled on first use; see codeconv-data list)';

/** run-reasoning's flags, keyed by RunReasoningOptionsSchema (which holds the defaults). */
export const RUN_REASONING_FLAGS: FlagTable<typeof RunReasoningOptionsSchema.shape> = {
  task: { flag: '--task <name>', description: `task: ${TASKS}`, parse: checkTaskName },
  model: { flag: '--model <spec>', description: `model: ${MODEL_SPEC_FORMS}` },
  n: { flag: '--n <n>', description: `samples per item (Case2Code: ${CASE2CODE_DEFAULTS.n})` },
  temperature: { flag: '--temperature <t>', description: `sampling temperature (Case2Code: ${CASE2CODE_DEFAULTS.temperature})` },
  cot: { flag: '--cot', description: 'chain-of-thought prompts' },
  rag: { flag: '--rag', description: 'add retrieved API documentation to the prompt (codeglance-pannum, codeglance-monkbeat)' },
  ids: { flag: '--ids <ids>', description: 'only these item ids (comma-separated)' },
  limit: { flag: '--limit <n>', description: 'only the first N items' },
  concurrency: { flag: '--concurrency <n>', description: 'model calls in flight' },
  maxTokens: { flag: '--max-tokens <n>', description: 'token limit per answer', defaultText: `${MAX_TOKENS.direct}, ${MAX_TOKENS.cot} with --cot; Case2Code ${MAX_TOKENS.case2codeDirect} / ${MAX_TOKENS.case2codeCot}` },
  scorer: { flag: '--scorer <version>', description: 'v1: filtered answers count as wrong; v2: they are dropped (current upstream)' },
  dataDir: { flag: '--data-dir <dir>', description: DATA_DIR_HELP },
  cache: { flag: '--no-cache', description: 'do not use the response cache' },
  out: { flag: '--out <dir>', description: 'output directory (rerunning with the same options and --out resumes)' },
};

/** `run-reasoning score`'s flags, keyed by ScoreFileOptionsSchema. */
export const SCORE_FLAGS: FlagTable<typeof ScoreFileOptionsSchema.shape> = {
  task: { flag: '--task <name>', description: `task: ${TASKS}`, parse: checkTaskName, required: true },
  generations: { flag: '--generations <file>', description: 'generations JSON: {"sample_0": ["...", ...], ...} or a *.scored.json file', required: true },
  scorer: RUN_REASONING_FLAGS.scorer!,
  raw: { flag: '--raw', description: 'entries are raw model text: apply the task post-processing first' },
  cot: { flag: '--cot', description: 'with --raw: the chain-of-thought post-processing rule' },
  dataDir: { flag: '--data-dir <dir>', description: DATA_DIR_HELP },
  out: { flag: '--out <dir>', description: 'output directory for scored.json and summary.json', required: true },
};

type CliOpts = SandboxCliOptions & Record<string, unknown> & { quiet?: boolean };

function report(r: RunReasoningResult): void {
  const k = [...Object.entries(r.summary.pass_at_k).map(([name, v]) => `${name} ${v.toFixed(2)}`), skippedLine(r.summary.pass_at_k_skipped ?? {})].filter(Boolean).join('  ');
  const c = r.summary.counts;
  process.stdout.write(
    `${r.summary.task}${r.summary.synthetic ? ' (synthetic model)' : ''}: ${c.samples} samples, ${c.generations} generations, ` +
      `${c.filtered} filtered, ${c.judgments} distinct checks (${c.literal_decided} decided as literal comparisons)  ${k}\n${r.files.scored}\n`,
  );
}

/** The command tree, built fresh for every parse (commander keeps option values on it). */
function buildProgram(): Command {
  const program = new Command('run-reasoning')
    .description(`Single-turn code reasoning benchmarks (${TASKS}): generate with a model, post-process and score in a sandbox`)
    .enablePositionalOptions()
    .exitOverride();

  addFlags(program, RunReasoningOptionsSchema, RUN_REASONING_FLAGS).option('--quiet', 'no progress bar');
  addSandboxOptions(program).action(async () => {
    const o = program.opts<CliOpts>();
    const v = flagValues(o, RUN_REASONING_FLAGS) as Partial<RunReasoningOptions>;
    if (!v.task) throw new UserError('MISSING_OPTION', `--task is required (one of ${TASKS})`);
    if (!v.model) throw new UserError('MISSING_OPTION', '--model is required');
    if (!v.out) throw new UserError('MISSING_OPTION', '--out is required');
    parseModelSpec(v.model);
    if (!v.dataDir) await prepareTaskData(v.task, { progress: stderrProgress() });
    // The help shows the schema's defaults; the core picks the task's own (Case2Code's) for unset options.
    const given = <T>(key: string, value: T): T | undefined => (program.getOptionValueSource(key) === 'default' ? undefined : value);
    const r0 = resolveReasoningOptions({ ...v, task: v.task, out: v.out, n: given('n', v.n), temperature: given('temperature', v.temperature) });
    const sandbox = sandboxFromCli(o, judgePreload(v.task));
    try {
      report(await runReasoning(r0, { sandbox, ...(o.quiet ? {} : { reporter: progressReporter('run-reasoning') }) }));
    } finally {
      await sandbox.close();
    }
  });

  const score = program
    .command('score')
    .description('score a generations file (id -> list of answers) or a published scored file (its raw_generations)');
  addFlags(score, ScoreFileOptionsSchema, SCORE_FLAGS).option('--quiet', 'no progress bar');
  addSandboxOptions(score).action(async (_args: unknown, cmd: Command) => {
    const o = cmd.opts<CliOpts>();
    const v = flagValues(o, SCORE_FLAGS) as ScoreFileOptions & { task: string };
    if (!v.dataDir) await prepareTaskData(v.task, { progress: stderrProgress() });
    const sandbox = sandboxFromCli(o, judgePreload(v.task));
    try {
      const r = await scoreFile(v, { sandbox, ...(o.quiet ? {} : { reporter: progressReporter('run-reasoning') }) });
      report(r);
      if (r.published) process.stdout.write(`${r.published.line}\n`);
    } finally {
      await sandbox.close();
    }
  });
  addSynthCommand(program);
  return program;
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-reasoning', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
