import { Option, type Command } from 'commander';
import { defaultOf } from './common.js';
import { addSandboxOptions, positiveInt, positiveNumber, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { parseOptions } from '../config/options.js';
import { progressReporter } from '../report/progress-reporter.js';
import { UserError } from '../util/errors.js';
import { judgePreload } from '../reasoning/preload.js';
import { runSynth, SynthOptionsSchema, type SynthStats } from '../reasoning/synth/pipeline.js';
import { ExecLimitsSchema, STAGES, type Stage } from '../reasoning/synth/records.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';

interface SynthCliOpts extends SandboxCliOptions {
  from?: string;
  model?: string;
  out: string;
  stage?: Stage | 'all';
  forEval?: boolean;
  limit?: number;
  concurrency?: number;
  temperature?: number;
  maxTokens?: number;
  cache: boolean;
  seed?: number;
  callTimeout?: number;
  execMemoryMb?: number;
  maxOutputChars?: number;
  minCases?: number;
  quiet?: boolean;
}

const fmt = (m: Record<string, number> | undefined): string =>
  Object.entries(m ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';

/** One line per stage run: rows in, kept, keep rate, dropped per reason, time. */
export function formatSynthStats(s: SynthStats, ran: readonly Stage[]): string {
  const lines: string[] = [];
  if (s.source && ran.includes('inputs')) {
    lines.push(`source  ${s.source.files} files, ${s.source.functions} functions taken; not taken: ${fmt(s.source.rejected)}`);
  }
  for (const st of ran) {
    const c = s.stages[st];
    if (!c) continue;
    const rate = c.in ? ((100 * c.kept) / c.in).toFixed(1) : '0.0';
    lines.push(`${st.padEnd(8)}in ${c.in}  kept ${c.kept} (${rate}%)  ${c.seconds}s${c.resumed ? `  (${c.resumed} resumed)` : ''}  dropped: ${fmt(c.dropped)}`);
    if (c.droppedInputs) lines.push(`${''.padEnd(8)}inputs dropped: ${fmt(c.droppedInputs)}`);
  }
  return lines.join('\n') + '\n';
}

/** Adds `run-reasoning synth` (the Case2Code data synthesis pipeline) to the command tree. */
export function addSynthCommand(program: Command): void {
  const cmd = program
    .command('synth')
    .description('Case2Code data synthesis: model-written inputs -> sandbox execution -> filter -> training (or --for-eval test) samples')
    .option('--from <path>', 'raw JSONL {id, content, import_code} or a folder of .py files (for --stage other than inputs: that stage\'s input JSONL)')
    .option('--model <spec>', `input writer: ${MODEL_SPEC_FORMS}`)
    .requiredOption('--out <dir>', 'output directory (stage files, samples.jsonl, synth-stats.json); rerunning resumes')
    .addOption(new Option('--stage <stage>', 'stage to run').choices([...STAGES, 'all']).default(defaultOf(SynthOptionsSchema, 'stage')))
    .option('--for-eval', 'build samples in the published test set layout')
    .option('--limit <n>', 'only the first N rows of the first stage', positiveInt('--limit'))
    .option('--concurrency <n>', 'model calls in flight', positiveInt('--concurrency'), defaultOf(SynthOptionsSchema, 'concurrency'))
    .option('--temperature <t>', 'sampling temperature', positiveOrZero, defaultOf(SynthOptionsSchema, 'temperature'))
    .option('--max-tokens <n>', 'token limit per reply', positiveInt('--max-tokens'), defaultOf(SynthOptionsSchema, 'maxTokens'))
    .option('--no-cache', 'do not use the response cache')
    .option('--seed <n>', 'seed for sample building and the offline writer', nonNegativeInt, defaultOf(SynthOptionsSchema, 'seed'))
    .option('--call-timeout <s>', 'time limit per function call, seconds', positiveNumber('--call-timeout'), defaultOf(ExecLimitsSchema, 'callTimeoutS'))
    .option('--exec-memory-mb <n>', 'address-space cap of each execution child, MB', positiveInt('--exec-memory-mb'), defaultOf(ExecLimitsSchema, 'memoryMb'))
    .option('--max-output-chars <n>', 'longest output record kept', positiveInt('--max-output-chars'), defaultOf(ExecLimitsSchema, 'maxOutputChars'))
    .option('--min-cases <n>', 'fewest kept cases for a row to pass the filter', positiveInt('--min-cases'), defaultOf(ExecLimitsSchema, 'minCases'))
    .option('--quiet', 'no progress bar');
  addSandboxOptions(cmd).action(async () => {
    const o = cmd.opts<SynthCliOpts>();
    const so = parseOptions(SynthOptionsSchema, {
      from: o.from, out: o.out, stage: o.stage, forEval: o.forEval, limit: o.limit, concurrency: o.concurrency,
      parallel: o.parallel, seed: o.seed, temperature: o.temperature, maxTokens: o.maxTokens, model: o.model, cache: o.cache,
      limits: { callTimeoutS: o.callTimeout, memoryMb: o.execMemoryMb, maxOutputChars: o.maxOutputChars, minCases: o.minCases },
    });
    const ran = so.stage === 'all' ? [...STAGES] : [so.stage];
    if (ran.includes('inputs') && !o.model) throw new UserError('MISSING_OPTION', '--model is required for the inputs stage');
    const sandbox = sandboxFromCli(o, judgePreload('case2code'));
    try {
      const stats = await runSynth(so, { sandbox, ...(o.quiet ? {} : { reporter: progressReporter('synth') }) });
      process.stdout.write(formatSynthStats(stats, ran));
    } finally {
      await sandbox.close();
    }
  });
}

function positiveOrZero(v: string): number {
  const t = Number(v);
  if (!Number.isFinite(t) || t < 0 || t > 2) throw new UserError('BAD_OPTION', `--temperature must be a number in [0, 2], got "${v}"`);
  return t;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError('BAD_OPTION', `--seed must be a non-negative integer, got "${v}"`);
  return n;
}
