#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../config/world.js';
import { parseSetting, settingFrom, SETTING_NAMES, type ExecCoverage, type UserKind } from '../episode/settings.js';
import { createRunLogger } from '../report/run-log.js';
import { worldProgress } from '../world/progress.js';
import { worldTable } from '../world/table.js';
import { createSandbox } from '../sandbox/index.js';
import { UserError } from '../util/errors.js';
import { defaultRunDir, runWorld } from '../world/run-world.js';
import { CONVCODEWORLD_TIMEOUT_S } from '../feedback/constants.js';
import { csv, reportErrored, runCli } from './common.js';
import { positiveInt, positiveNumber, queueSandbox, QUEUE_HELP, SANDBOX_HELP } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';
import { PROTOCOL_NAMES } from '../episode/protocol.js';
import { formatCallCounts } from '../models/cache.js';
import { hardVariant, isDatasetName, prepareDataset, stderrProgress } from '../data/index.js';

const program = new Command('run-world')
  .description('Live multi-turn ConvCodeWorld episodes: generate, get feedback, revise, up to --max-turns, scored by MRR and recall')
  .option('--config <file>', 'YAML config whose keys override resources/config.yaml')
  .option('--model <spec>', `coder model: ${MODEL_SPEC_FORMS}`)
  .option('--user-model <spec>', 'simulated user model (default auto: offline with an offline coder, else openai:gpt-4o-2024-05-13, the paper\'s snapshot)')
  .addOption(new Option('--setting <name>', 'one of the nine feedback settings').choices([...SETTING_NAMES]))
  .option('--exec-feedback', 'give execution feedback (with --partial-tests or --full-tests)')
  .option('--partial-tests', 'execution feedback from the first 3 tests only')
  .option('--full-tests', 'execution feedback from all hidden tests')
  .addOption(new Option('--user <kind>', 'simulated user feedback').choices(['none', 'novice', 'expert']))
  .option('--max-turns <n>', 'refinement turns after turn 0', nonNegInt('--max-turns'))
  .option('--dataset <name|file>', 'BigCodeBench tasks: a data set name (bigcodebench@v0.1.0_hf is ConvCodeWorld\'s; pulled on first use) or a JSON lines / parquet file (default: data/sample-tasks.jsonl, the embedded sample)')
  .option('--ids <ids>', 'only these task ids (comma-separated)', csv)
  .option('--limit <n>', 'only the first n tasks', positiveInt('--limit'))
  .addOption(new Option('--subset <name>', 'task subset (hard: the bigcodebench-hard data set of the same version)').choices(['full', 'hard']))
  .option('--concurrency <n>', 'episodes in flight', positiveInt('--concurrency'))
  .option('--out <dir>', 'run directory (default: logs/<model>_<setting>_<dataset>_<hash>; rerunning resumes)')
  .addOption(new Option('--history <mode>', 'none: problem + previous code + feedback (the paper); full: whole chat').choices(['none', 'full']))
  .addOption(new Option('--protocol <name>', "convcodeworld: the leaderboard's protocol, quirks included (default); clean: the corrected one (docs/protocol.md)").choices([...PROTOCOL_NAMES]))
  .addOption(new Option('--compat <mode>').hideHelp())
  .addOption(new Option('--turn0-prompt <style>').hideHelp())
  .option('--max-calls-per-turn <n>', 'coder calls per turn, compile fixes and the refinement together', positiveInt('--max-calls-per-turn'))
  .option('--turn0 <samples.jsonl>', 'start every episode from this BigCodeBench samples file ({task_id, solution}) instead of generating turn 0')
  .option('--no-cache', 'bypass the response and execution caches')
  .addOption(new Option('--sandbox <kind>', SANDBOX_HELP).choices(['docker', 'local', 'queue']))
  .option('--queue <url>', QUEUE_HELP)
  .option('--image <tag>', 'sandbox image (default: the tag built from envs/bigcodebench); with --sandbox queue, the one workers must have ("local": local workers)')
  .option('--parallel <n>', 'warm sandbox slots', positiveInt('--parallel'))
  .option('--timeout <s>', `time limit per test suite in seconds (default ${CONVCODEWORLD_TIMEOUT_S}, the original's)`, positiveNumber('--timeout'))
  .option('--seed <n>', 'seed of the offline models', (v) => Number.parseInt(v, 10))
  .option('--quiet', 'no progress bar');

function nonNegInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UserError('BAD_OPTION', `${name} must be a whole number >= 0, got "${v}"`);
    return n;
  };
}

/** Paths on the command line are relative to the working directory (in config files, to the project root). */
const cwdPath = (p: unknown): string | undefined => (typeof p === 'string' ? resolve(p) : undefined);

type Opts = Record<string, unknown> & { config?: string; execFeedback?: boolean; partialTests?: boolean; fullTests?: boolean; user?: UserKind; setting?: string; cache: boolean; quiet?: boolean };

void runCli('run-world', async () => {
  program.exitOverride().parse();
  const o = program.opts<Opts>();
  for (const [key, flag] of [['compat', '--compat'], ['turn0Prompt', '--turn0-prompt']] as const) {
    if (o[key] !== undefined) throw new UserError('BAD_OPTION', `${flag} was replaced by --protocol (convcodeworld, the default and the leaderboard's, or clean)`);
  }
  if (o.partialTests && o.fullTests) throw new UserError('BAD_OPTION', 'give only one of --partial-tests and --full-tests');
  let setting = o.setting ? parseSetting(o.setting).name : undefined;
  if (o.execFeedback || o.partialTests || o.fullTests || o.user) {
    if (setting) throw new UserError('BAD_OPTION', '--setting cannot be combined with --exec-feedback/--partial-tests/--full-tests/--user');
    const exec: ExecCoverage = o.execFeedback || o.partialTests || o.fullTests ? (o.partialTests ? 'partial' : 'full') : 'none';
    setting = settingFrom(exec, o.user ?? 'none').name;
  }
  const cli: Record<string, unknown> = {
    model: o.model, userModel: o.userModel, setting, maxTurns: o.maxTurns, dataset: typeof o.dataset === 'string' && isDatasetName(o.dataset) ? o.dataset : cwdPath(o.dataset), ids: o.ids, limit: o.limit,
    subset: o.subset, concurrency: o.concurrency, out: cwdPath(o.out), history: o.history, protocol: o.protocol,
    maxCallsPerTurn: o.maxCallsPerTurn, turn0Samples: cwdPath(o.turn0), timeoutS: o.timeout, seed: o.seed,
    ...(o.cache === false ? { cache: false } : {}),
    sandbox: { kind: o.sandbox, parallel: o.parallel, queue: o.queue, image: o.image },
  };
  const layers = [{ file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) }];
  if (o.config) layers.push({ file: o.config, values: readYamlConfig(o.config) });
  layers.push({ file: 'command line', values: cli });
  const cfg = resolveWorldConfig(layers);
  // A named data set is pulled here, with the progress bar; runWorld then finds it prepared.
  if (isDatasetName(cfg.dataset)) await prepareDataset(cfg.subset === 'hard' ? hardVariant(cfg.dataset) ?? cfg.dataset : cfg.dataset, { progress: stderrProgress() });
  const runDir = cfg.out ?? defaultRunDir(cfg);
  const logger = createRunLogger(runDir, o.quiet);
  const sb = cfg.sandbox;
  const sandbox = sb.kind === 'queue'
    ? queueSandbox(sb.kind, sb.queue, sb.image, 'sandbox.queue', sb.memoryMb)
    : createSandbox({ kind: sb.kind, parallel: sb.parallel, docker: { memoryMb: sb.memoryMb, image: sb.image } });
  try {
    const r = await runWorld(cfg, { sandbox, logger, ...(o.quiet ? {} : { reporter: worldProgress() }) });
    process.stdout.write(worldTable(r.summary));
    process.stdout.write(`run directory: ${r.runDir}  (${r.stats.episodesRun} episodes run, ${r.stats.resumed} resumed; ${r.stats.judged} judgments, ${r.stats.execCacheHits} from cache)\n`);
    process.stdout.write(`${formatCallCounts({ live: r.stats.modelCalls, cached: r.stats.cachedAnswers, cachedSince: r.stats.cachedSince })}\n`);
    reportErrored('run-world', r.summary.errored_tasks, r.runDir, r.summary.errored_scored);
  } finally {
    await sandbox.close();
    await logger.close();
  }
});
