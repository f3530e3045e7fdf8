#!/usr/bin/env node
import { Command } from 'commander';
import { datasetIdentity, listDatasetNames, prepareDataset, stderrProgress } from '../data/index.js';
import { allStatuses, datasetStatus } from '../data/status.js';
import { notCachedError } from '../data/hub.js';
import { UserError } from '../util/errors.js';
import { cliMain, isEntryPoint } from './common.js';

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

function buildProgram(): Command {
  const program = new Command('codeconv-data')
    // The help names the variables, not this machine's directories (`path` prints those).
    .description('Benchmark data sets by name: list them, pull them into the cache (the Hub cache: $HF_HUB_CACHE, default ~/.cache/huggingface/hub; other files: $CODECONV_CACHE_DIR, default ~/.cache/codeconv-eval), print where they lie');
  program
    .command('list')
    .description('every data set name with its source, licence, rows, pin, and whether it is cached (no network)')
    .action(() => {
      const rows = allStatuses().map((s) => {
        const src = s.spec.source.kind === 'hub' ? `hf:${s.spec.source.repo}@${s.spec.source.revision}` : `github:${s.spec.source.repo}@${s.spec.source.commit}`;
        // Unpinned names are trusted on first use: the hash recorded then is what later downloads must match.
        const pin = s.spec.files.find((f) => f.role === 'records')?.sha256 ? 'pinned' : s.recorded ? `recorded ${s.recorded.sha256.slice(0, 12)}` : 'unpinned';
        const count = s.rows ?? s.spec.rows;
        return [s.spec.name, s.cached ? `cached ${s.revision!.slice(0, 12)}` : 'not cached', s.cached ? mb(s.bytes!) : '-', count === undefined ? '?' : String(count), pin, s.spec.licence, src];
      });
      const head = ['name', 'cache', 'size', 'rows', 'pin', 'licence', 'source'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows]) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
    });
  program
    .command('pull')
    .description('download data sets into the cache and check their records against the pinned sha256')
    .argument('[names...]', `data set names (${listDatasetNames().slice(0, 3).join(', ')}, ...; see \`list\`)`)
    .option('--all', 'every data set with a pin and a licence that allows it (not CodeGlance, which is fetched only by name)')
    .action(async (given: string[], o: { all?: boolean }) => {
      const names = o.all ? allStatuses().filter((s) => !s.spec.explicitOnly && s.spec.files.some((f) => f.sha256)).map((s) => s.spec.name) : given;
      if (!names.length) throw new UserError('MISSING_ARGUMENT', 'name the data sets to pull (see `codeconv-data list`), or give --all');
      for (const name of names) {
        const ref = await prepareDataset(name, { progress: stderrProgress() });
        const id = datasetIdentity(ref);
        process.stdout.write(`${id.name}  ${ref.revision ?? '-'}  sha256 ${id.sha256}${ref.check === 'recorded' ? ' (unpinned: recorded at first download, later downloads must match)' : ''}  ${ref.rows} rows  ${ref.records}\n`);
      }
    });
  program
    .command('path')
    .description('where a cached data set lies: its records file, and each of its files with --all (no network)')
    .argument('<name>', 'data set name')
    .option('--all', 'every file of the data set, as "repository-path<TAB>local path"')
    .action((name: string, o: { all?: boolean }) => {
      const s = datasetStatus(name);
      if (!s.cached) throw notCachedError(s.spec.name, 'was not pulled yet');
      if (o.all) for (const [p, f] of Object.entries(s.files!)) process.stdout.write(`${p}\t${f}\n`);
      else process.stdout.write(`${s.records ?? Object.values(s.files!)[0]}\n`);
    });
  return program;
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('codeconv-data', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
