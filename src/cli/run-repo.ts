#!/usr/bin/env node
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isDatasetName, stderrProgress } from '../data/index.js';
import { progressReporter } from '../report/progress-reporter.js';
import { createRunLogger } from '../report/run-log.js';
import { buildRepoTasks } from '../repo/build.js';
import { resolveBuildConfig, resolveRunConfig } from '../repo/config.js';
import { RepoExecCache } from '../repo/exec-cache.js';
import { recomputeSummary } from '../repo/recompute.js';
import type { RepoItem } from '../repo/metrics.js';
import { defaultRepoRunDir, runRepo } from '../repo/run.js';
import { createSandbox } from '../sandbox-factory/create.js';
import { csv, runCli } from './common.js';
import { positiveInt, positiveNumber } from './sandbox-options.js';
import { MODEL_SPEC_FORMS } from '../models/spec.js';

const cwdPath = (p: unknown): string | undefined => (typeof p === 'string' ? resolve(p) : undefined);
const int = (v: string): number => Number.parseInt(v, 10);

// Set before the subcommands are added, so that they inherit it (commander copies settings at creation).
const program = new Command('run-repo')
  .exitOverride()
  .description('Repository-level tasks on Django: method generation with test feedback, completion, program repair');

program.command('run', { isDefault: true })
  .description('run one benchmark over the task set (resumes an existing run directory)')
  .option('--config <file>', 'YAML whose keys override resources/repo.yaml')
  .addOption(new Option('--benchmark <name>').choices(['method_gen_multiturn', 'completion', 'program_repair']))
  .option('--tasks <name|file>', 'a data set name (django: the published records, pulled on first use; see codeconv-data list) or a task file built by `run-repo build`')
  .option('--model <spec>', MODEL_SPEC_FORMS)
  .option('--max-iter <n>', 'turns of method generation', positiveInt('--max-iter'))
  .option('--no-think', 'append " /no_think" to prompts')
  .addOption(new Option('--context-source <src>').choices(['file', 'class']))
  .addOption(new Option('--repair-context <ctx>', 'program_repair: show the failing output (test) or not (null)').choices(['test', 'null']))
  .option('--max-test-feedback-symb <n>', 'tail of the test output fed back', positiveInt('--max-test-feedback-symb'))
  .option('--max-context-symb <n>', 'context length limit', positiveInt('--max-context-symb'))
  .option('--max-num-tests <n>', 'test labels per judgment', positiveInt('--max-num-tests'))
  .option('--timeout <s>', 'time limit of one test run', positiveNumber('--timeout'))
  .option('--limit <n>', 'only the first n tasks', positiveInt('--limit'))
  .option('--ids <ids>', 'only these tasks (dp_id or idx, comma-separated)', csv)
  .option('--concurrency <n>', 'items in flight', positiveInt('--concurrency'))
  .option('--parallel <n>', 'judgment containers at once', positiveInt('--parallel'))
  .option('--seed <n>', 'seed of the offline models', int)
  .option('--image <tag>', 'Django image (default: the tag built by scripts/build-repo-image.sh)')
  .option('--out <dir>', 'run directory (default logs/repo_<model>_<benchmark>_<tasks>_<hash>)')
  .option('--no-cache', 'bypass the response and judgment caches')
  .option('--quiet', 'no progress bar')
  .action(async (o: Record<string, unknown>) => {
    const c = resolveRunConfig(o.config as string | undefined, {
      benchmark: o.benchmark, tasks: typeof o.tasks === 'string' && isDatasetName(o.tasks) ? o.tasks : cwdPath(o.tasks), model: o.model, max_iter: o.maxIter, ...(o.think === false ? { think: false } : {}),
      context_source: o.contextSource, program_repair_context: o.repairContext, max_test_feedback_symb: o.maxTestFeedbackSymb,
      max_context_symb: o.maxContextSymb, max_num_tests: o.maxNumTests, timeout_s: o.timeout, limit: o.limit, ids: o.ids,
      concurrency: o.concurrency, parallel: o.parallel, seed: o.seed, image: o.image, out: cwdPath(o.out), ...(o.cache === false ? { cache: false } : {}),
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

program.command('build')
  .description('build the task set from Django\'s source in the repository image (traces the chosen test apps once)')
  .option('--config <file>', 'YAML whose keys override resources/repo-build.yaml')
  .option('--out <file>', 'task file to write')
  .option('--seed <n>', 'orders candidates and mutations', int)
  .option('--target <n>', 'tasks to validate and keep', positiveInt('--target'))
  .option('--apps <apps>', 'test apps to trace (comma-separated)', csv)
  .option('--parallel <n>', 'judgment containers at once', positiveInt('--parallel'))
  .option('--image <tag>', 'Django image')
  .option('--cached-only', 'judge nothing: finish the set from the judgments a stopped build left in the cache')
  .option('--quiet', 'no progress line')
  .action(async (o: Record<string, unknown>) => {
    const c = resolveBuildConfig(o.config as string | undefined, { out: cwdPath(o.out), seed: o.seed, target_tasks: o.target, test_apps: o.apps, parallel: o.parallel, image: o.image });
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

void runCli('run-repo', async () => {
  await program.parseAsync();
});
