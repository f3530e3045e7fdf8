#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { fileLayers } from '../config/layers.js';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, RUN_WORLD_FLAGS, WorldConfigSchema } from '../config/world.js';
import { parseSetting, settingFrom, type ExecCoverage, type UserKind } from '../episode/settings.js';
import { createRunLogger } from '../report/run-log.js';
import { worldProgress } from '../world/progress.js';
import { worldTable } from '../world/table.js';
import { SandboxOptionsSchema, sandboxSpec } from '../sandbox/options.js';
import { UserError } from '../util/errors.js';
import { defaultRunDir, runWorld } from '../world/run-world.js';
import { cliMain, isEntryPoint, reportErrored } from './common.js';
import { addFlags, flagValues, withFileDefaults } from './flags.js';
import { cliSandbox, SANDBOX_FLAGS } from './sandbox-options.js';
import { formatCallCounts } from '../models/cache.js';
import { hardVariant, isDatasetName, prepareDataset, stderrProgress } from '../data/index.js';

function buildProgram(): Command {
  const cmd = new Command('run-world')
    .description('Live multi-turn ConvCodeWorld episodes: generate, get feedback, revise, up to --max-turns, scored by MRR and recall')
    .option('--config <file>', 'YAML config whose keys override resources/config.yaml');
  // Defaults come from the config layers: shown in the help, set by resolveWorldConfig.
  addFlags(cmd, WorldConfigSchema, withFileDefaults(RUN_WORLD_FLAGS, readYamlConfig(DEFAULT_CONFIG_FILE)), { defaults: 'show' });
  cmd
    .option('--exec-feedback', 'give execution feedback (with --partial-tests or --full-tests)')
    .option('--partial-tests', 'execution feedback from the first 3 tests only')
    .option('--full-tests', 'execution feedback from all hidden tests')
    .addOption(new Option('--user <kind>', 'simulated user feedback').choices(['none', 'novice', 'expert']))
    .addOption(new Option('--compat <mode>').hideHelp())
    .addOption(new Option('--turn0-prompt <style>').hideHelp());
  addFlags(cmd, SandboxOptionsSchema, SANDBOX_FLAGS, { defaults: 'show' });
  return cmd.option('--quiet', 'no progress bar').action(async (o: Opts) => run(o));
}

/** Paths on the command line are relative to the working directory (in config files, to the project root). */
const cwdPath = (p: unknown): string | undefined => (typeof p === 'string' ? resolve(p) : undefined);

type Opts = Record<string, unknown> & { config?: string; execFeedback?: boolean; partialTests?: boolean; fullTests?: boolean; user?: UserKind; cache: boolean; quiet?: boolean };

async function run(o: Opts): Promise<void> {
  for (const [key, flag] of [['compat', '--compat'], ['turn0Prompt', '--turn0-prompt']] as const) {
    if (o[key] !== undefined) throw new UserError('BAD_OPTION', `${flag} was replaced by --protocol (convcodeworld, the default and the leaderboard's, or clean)`);
  }
  if (o.partialTests && o.fullTests) throw new UserError('BAD_OPTION', 'give only one of --partial-tests and --full-tests');
  const v = flagValues(o, RUN_WORLD_FLAGS);
  let setting = typeof v.setting === 'string' ? parseSetting(v.setting).name : undefined;
  if (o.execFeedback || o.partialTests || o.fullTests || o.user) {
    if (setting) throw new UserError('BAD_OPTION', '--setting cannot be combined with --exec-feedback/--partial-tests/--full-tests/--user');
    const exec: ExecCoverage = o.execFeedback || o.partialTests || o.fullTests ? (o.partialTests ? 'partial' : 'full') : 'none';
    setting = settingFrom(exec, o.user ?? 'none').name;
  }
  const sb = flagValues(o, SANDBOX_FLAGS);
  const cli: Record<string, unknown> = {
    ...v, setting, dataset: typeof v.dataset === 'string' && isDatasetName(v.dataset) ? v.dataset : cwdPath(v.dataset),
    out: cwdPath(v.out), turn0Samples: cwdPath(v.turn0Samples),
    // --no-cache alone sets cache; leaving it out keeps the config layers' value.
    cache: o.cache === false ? false : undefined,
    sandbox: { kind: sb.sandbox, parallel: sb.parallel, queue: sb.queue, image: sb.image, memoryMb: sb.memoryMb },
  };
  const cfg = resolveWorldConfig(fileLayers(DEFAULT_CONFIG_FILE, o.config, cli));
  // A named data set is pulled here, with the progress bar; runWorld then finds it prepared.
  if (isDatasetName(cfg.dataset)) await prepareDataset(cfg.subset === 'hard' ? hardVariant(cfg.dataset) ?? cfg.dataset : cfg.dataset, { progress: stderrProgress() });
  const runDir = cfg.out ?? defaultRunDir(cfg);
  const logger = createRunLogger(runDir, o.quiet);
  const s = cfg.sandbox;
  // A queue URL is used only with kind queue (config files may keep one for later).
  const sandbox = cliSandbox(sandboxSpec({ ...s, sandbox: s.kind, queue: s.kind === 'queue' ? s.queue : undefined }, { source: 'sandbox.queue' }));
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
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-world', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
