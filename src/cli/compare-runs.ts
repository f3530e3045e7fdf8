#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { compareRunDirs, CompareOptionsSchema, toMarkdown } from '../compare/compare.js';
import { HtmlOptionsSchema, toHtml } from '../view/snapshot.js';
import { cliMain, defaultOf, isEntryPoint } from './common.js';
import { positiveInt } from './sandbox-options.js';

interface Opts {
  html?: string;
  markdown?: string;
  resamples?: number;
  seed?: number;
  maxTasks?: number;
  quiet?: boolean;
}

function buildProgram(): Command {
  return new Command('compare-runs')
    .description('Compare runs of any kind (read by the kind config.yaml records): run-world (live) and run-bench (static) MRR, recall and pass@1 per turn per model x setting, run-reasoning pass@1/pass@5, run-repo pass rate and chrF; bootstrap CIs, paired tests, live/static rank correlation')
    .argument('<run-dirs...>', 'run directories (a directory that is not one stands for the run directories below it)')
    .option('--html <file>', 'write a static snapshot of the `view` pages (runs, tables, curves, conversations, paired tests) as one self-contained HTML file')
    .option('--markdown <file>', 'write the tables as Markdown')
    .option('--resamples <n>', 'bootstrap resamples over tasks', positiveInt('--resamples'), defaultOf(CompareOptionsSchema, 'resamples'))
    .option('--seed <n>', 'seed of the bootstrap and permutation tests', (v) => Number.parseInt(v, 10), defaultOf(CompareOptionsSchema, 'seed'))
    .option('--max-tasks <n>', `most tasks per run whose conversations the HTML snapshot carries (default ${defaultOf(HtmlOptionsSchema, 'maxTasks')}; tables and charts use all)`, positiveInt('--max-tasks'))
    .option('--quiet', 'do not print the tables')
    .exitOverride()
    .action((dirs: string[], o: Opts) => {
      const c = compareRunDirs(dirs, { resamples: o.resamples, seed: o.seed });
      const md = toMarkdown(c);
      if (!o.quiet) process.stdout.write(md);
      const write = (file: string, text: string): void => {
        const f = resolve(file);
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, text);
        process.stderr.write(`compare-runs: wrote ${f}\n`);
      };
      if (o.markdown) write(o.markdown, md);
      if (o.html) write(o.html, toHtml(c, { maxTasks: o.maxTasks }));
    });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('compare-runs', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
