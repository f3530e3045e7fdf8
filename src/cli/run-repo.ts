#!/usr/bin/env node
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { isDatasetName, stderrProgress } from '../data/index.js';
import { progressReporter } from '../report/progress-reporter.js';
import { createRunLogger } from '../report/run-log.js';
import { buildRepoTasks } from '../repo/build.js';
import { readYamlConfig } from '../config/layers.js';
import {
  REPO_BUILD_DEFAULTS, REPO_BUILD_FLAGS, REPO_RUN_DEFAULTS, REPO_RUN_FLAGS, RepoBuildConfigSchema, RepoRunConfigSchema, resolveBuildConfig, resolveRunConfig,
} from '../repo/config.js';
import { RepoExecCache } from '../repo/exec-cache.js';
import { recomputeSummary } from '../repo/recompute.js';
import type { RepoItem } from '../repo/metrics.js';
import { defaultRepoRunDir, runRepo } from '../repo/run.js';
import { createSandbox } from '../sandbox-factory/create.js';
import { cliMain, isEntryPoint } from './common.js';
import { addFlags, flagValues, withFileDefaults } from './flags.js';

/** Paths on the command line are relative to the working directory (in config files, to the project root). */
const cwdPath = (p: unknown): string | undefined => (typeof p === 'string' ? resolve(p) : undefined);

/** The command tree, built fresh for every parse (commander keeps option values on it). */
function buildProgram(): Command {
  // Set before the subcommands are added, so that they inherit it (commander copies settings at creation).
  const program = new Command('run-repo')
    .exitOverride()
    .description('Repository-level tasks on Django: method generation with test feedback, completion, program repair');

  const run = program.command('run', { isDefault: true })
    .description('run one benchmark over the task set (resumes an existing run directory)')
    .option('--config <file>', 'YAML whose keys override resources/repo.yaml');
  // Defaults come from the config layers: shown in the help, set by resolveRunConfig.
  addFlags(run, RepoRunConfigSchema, withFileDefaults(REPO_RUN_FLAGS, readYamlConfig(REPO_RUN_DEFAULTS)), { defaults: 'show' });
  run.option('--quiet', 'no progress bar').action(async (o: Record<string, unknown>) => {
    const v = flagValues(o, REPO_RUN_FLAGS);
    const c = resolveRunConfig(o.config as string | undefined, {
      ...v, tasks: typeof v.tasks === 'string' && isDatasetName(v.tasks) ? v.tasks : cwdPath(v.tasks), out: cwdPath(v.out),
      // A --no- flag alone sets its key; leaving it out keeps the config layers' value.
      think: o.think === false ? false : undefined, cache: o.cache === false ? false : undefined,
    });
    c.out ??= defaultRepoRunDir(c);
    const logger = createRunLogger(c.out, !!o.quiet);
    const sandbox = createSandbox({ kind: 'repo', parallel: c.parallel, image: c.image || undefined });
    let ok = 0;
    const reporter = o.quiet ? undefined : progressReporter<RepoItem>('run-repo', (rec) => `passed ${rec.stop_reason === 'passed_tests' ? ++ok : ok}`);
    try {
      const r = await runRepo(c, { sandbox, logger, progress: stderrProgress(), ...(reporter ? { reporter } : {}) });
      process.stdout.write(`${JSON.stringify(r.summary, null, 2)}\nrun directory: ${r.runDir}  (${r.stats.itemsRun} items run, ${r.stats.resumed} resumed; ${r.stats.judged} judgments, ${r.stats.execCacheHits} from cache, ${(r.stats.wallMs / 1000).toFixed(0)} s)\n`);
    } finally {
      await logger.close();
    }
  });

  const build = program.command('build')
    .description('build the task set from Django\'s source in the repository image (traces the chosen test apps once)')
    .option('--config <file>', 'YAML whose keys override resources/repo-build.yaml');
  addFlags(build, RepoBuildConfigSchema, withFileDefaults(REPO_BUILD_FLAGS, readYamlConfig(REPO_BUILD_DEFAULTS)), { defaults: 'show' });
  build
    .option('--cached-only', 'judge nothing: finish the set from the judgments a stopped build left in the cache')
    .option('--quiet', 'no progress line')
    .action(async (o: Record<string, unknown>) => {
      const v = flagValues(o, REPO_BUILD_FLAGS);
      const c = resolveBuildConfig(o.config as string | undefined, { ...v, out: cwdPath(v.out) });
      const sandbox = createSandbox({ kind: 'repo', parallel: c.parallel, image: c.image || undefined });
      const exec = new RepoExecCache(sandbox, join(c.cache_dir, 'repo-exec'));
      exec.cachedOnly = !!o.cachedOnly;
      const logger = { info: (m: string) => process.stderr.write(`run-repo build: ${m}\n`), warn: (m: string) => process.stderr.write(`warn: ${m}\n`), error: () => {}, debug: () => {} };
      const r = await buildRepoTasks(c, { sandbox, exec, logger, ...(o.quiet ? {} : { reporter: progressReporter('run-repo') }) });
      const ms = [...r.judgeMs].sort((a, b) => a - b);
      const q = (p: number): number => ms.length ? ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]! : 0;
      process.stdout.write(`${JSON.stringify({ out: c.out, counts: r.header.counts, dropped: r.header.dropped, build_seconds: r.header.build_seconds, trace_seconds: r.traceSeconds, judgments: ms.length, judge_ms_median: q(0.5), judge_ms_p90: q(0.9) }, null, 2)}\n`);
    });

  program.command('summarize <runDir>')
    .description('recompute the summary from results.jsonl and compare it with results_summary.json')
    .action(async (dir: string) => {
      const r = recomputeSummary(resolve(dir));
      process.stdout.write(`${JSON.stringify(r.recomputed, null, 2)}\n${r.equal ? 'equal to results_summary.json' : 'DIFFERS from results_summary.json'}\n`);
      if (!r.equal) process.exitCode = 1;
    });
  return program;
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('run-repo', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
