#!/usr/bin/env node
import { skippedLine } from '../metrics/pass-at-k.js';
import { Command, Option } from 'commander';
import { parseModelSpec } from '../models/spec.js';
import {
  CASE2CODE_DEFAULTS, DEFAULT_MAX_TOKENS as MAX_TOKENS, resolveReasoningOptions, runReasoning, RunReasoningOptionsSchema, scoreFile, type RunReasoningResult,
} from '../reasoning/run.js';
import { checkTaskName, prepareTaskData } from '../reasoning/data.js';
import { stderrProgress } from '../data/progress.js';
import { judgePreload } from '../reasoning/preload.js';
import { addSynthCommand } from './synth.js';
import { REASONING_TASKS, SCORER_VERSIONS, type ScorerVersion } from '../reasoning/types.js';
import { progressReporter } from '../report/progress-reporter.js';
import { UserError } from '../util/errors.js';
import { cliMain, csv, defaultOf, isEntryPoint } from './common.js';
import { addSandboxOptions, positiveInt, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';

const TASKS = REASONING_TASKS.join(', ');

function temperature(v: string): number {
  const t = Number(v);
  if (!Number.isFinite(t) || t < 0 || t > 2) throw new UserError('BAD_OPTION', `--temperature must be a number in [0, 2], got "${v}"`);
  return t;
}

function taskName(v: string): string {
  return checkTaskName(v);
}

const scorerOption = (): Option =>
  new Option('--scorer <version>', 'v1: filtered answers count as wrong; v2: they are dropped (current upstream)').choices([...SCORER_VERSIONS]).default(defaultOf(RunReasoningOptionsSchema, 'scorer'));

interface RunOpts extends SandboxCliOptions {
  task: string;
  model: string;
  n?: number;
  temperature?: number;
  cot?: boolean;
  rag?: boolean;
  ids?: string[];
  limit?: number;
  concurrency?: number;
  maxTokens?: number;
  scorer?: ScorerVersion;
  dataDir?: string;
  cache: boolean;
  out: string;
}

interface ScoreOpts extends SandboxCliOptions {
  task: string;
  generations: string;
  scorer?: ScorerVersion;
  raw?: boolean;
  cot?: boolean;
  dataDir?: string;
  out: string;
}

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

  addSandboxOptions(
    program
      .option('--task <name>', `task: ${TASKS}`, taskName)
      .option('--model <spec>', `model: ${MODEL_SPEC_FORMS}`)
      .option('--n <n>', `samples per item (Case2Code: ${CASE2CODE_DEFAULTS.n})`, positiveInt('--n'), defaultOf(RunReasoningOptionsSchema, 'n'))
      .option('--temperature <t>', `sampling temperature (Case2Code: ${CASE2CODE_DEFAULTS.temperature})`, temperature, defaultOf(RunReasoningOptionsSchema, 'temperature'))
      .option('--cot', 'chain-of-thought prompts')
      .option('--rag', 'add retrieved API documentation to the prompt (codeglance-pannum, codeglance-monkbeat)')
      .option('--ids <ids>', 'only these item ids (comma-separated)', csv)
      .option('--limit <n>', 'only the first N items', positiveInt('--limit'))
      .option('--concurrency <n>', 'model calls in flight', positiveInt('--concurrency'), defaultOf(RunReasoningOptionsSchema, 'concurrency'))
      .option('--max-tokens <n>', `token limit per answer (default ${MAX_TOKENS.direct}, ${MAX_TOKENS.cot} with --cot; Case2Code ${MAX_TOKENS.case2codeDirect} / ${MAX_TOKENS.case2codeCot})`, positiveInt('--max-tokens'))
      .addOption(scorerOption())
      .option('--data-dir <dir>', 'read the files from this directory (cruxeval/, codeglance/, case2code/) instead of the task\'s data set (cruxeval, codeglance:<set>, case2code: pulled on first use; see codeconv-data list)')
      .option('--no-cache', 'do not use the response cache')
      .option('--out <dir>', 'output directory (rerunning with the same options and --out resumes)'),
  ).action(async () => {
    const o = program.opts<RunOpts>();
    if (!o.task) throw new UserError('MISSING_OPTION', `--task is required (one of ${TASKS})`);
    if (!o.model) throw new UserError('MISSING_OPTION', '--model is required');
    if (!o.out) throw new UserError('MISSING_OPTION', '--out is required');
    parseModelSpec(o.model);
    if (!o.dataDir) await prepareTaskData(o.task, { progress: stderrProgress() });
    // The help shows the schema's defaults; the core picks the task's own (Case2Code's) for unset options.
    const given = <T>(key: string, value: T): T | undefined => (program.getOptionValueSource(key) === 'default' ? undefined : value);
    const r0 = resolveReasoningOptions({
      task: o.task, dataDir: o.dataDir, n: given('n', o.n), temperature: given('temperature', o.temperature), cot: o.cot, rag: o.rag, ids: o.ids, limit: o.limit,
      concurrency: o.concurrency, maxTokens: o.maxTokens, scorer: o.scorer, out: o.out, model: o.model, cache: o.cache,
    });
    const sandbox = sandboxFromCli(o, judgePreload(o.task));
    try {
      const r = await runReasoning(
        r0,
        {
          sandbox,
          reporter: progressReporter('run-reasoning'),
        },
      );
      report(r);
    } finally {
      await sandbox.close();
    }
  });

  addSandboxOptions(
    program
      .command('score')
      .description('score a generations file (id -> list of answers) or a published scored file (its raw_generations)')
      .requiredOption('--task <name>', `task: ${TASKS}`, taskName)
      .requiredOption('--generations <file>', 'generations JSON: {"sample_0": ["...", ...], ...} or a *.scored.json file')
      .addOption(scorerOption())
      .option('--raw', 'entries are raw model text: apply the task post-processing first')
      .option('--cot', 'with --raw: the chain-of-thought post-processing rule')
      .option('--data-dir <dir>', 'read the files from this directory (cruxeval/, codeglance/, case2code/) instead of the task\'s data set (cruxeval, codeglance:<set>, case2code: pulled on first use; see codeconv-data list)')
      .requiredOption('--out <dir>', 'output directory for scored.json and summary.json'),
  ).action(async (_args: unknown, cmd: Command) => {
    const o = cmd.opts<ScoreOpts>();
    if (!o.dataDir) await prepareTaskData(o.task, { progress: stderrProgress() });
    const sandbox = sandboxFromCli(o, judgePreload(o.task));
    try {
      const r = await scoreFile(
        { task: o.task, generations: o.generations, scorer: o.scorer, raw: o.raw, cot: o.cot, dataDir: o.dataDir, out: o.out },
        { sandbox, reporter: progressReporter('run-reasoning') },
      );
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
