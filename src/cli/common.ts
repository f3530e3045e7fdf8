import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { z } from 'zod';
import { activeRuns } from '../run/active.js';
import { noteInRunLogs } from '../run/log-file.js';
import { InfraError, UserError } from '../util/errors.js';

/**
 * Runs a command's body: user mistakes and infrastructure failures print one line and set
 * process.exitCode; anything else is a bug and keeps its stack.
 */
export async function runCli(name: string, body: () => Promise<void>): Promise<void> {
  exitOnSignals(name);
  try {
    await body();
  } catch (err) {
    if (err instanceof UserError || err instanceof InfraError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exitCode = err instanceof UserError ? 2 : 3;
      return;
    }
    // Commander has already printed its one-line message (bad option, missing value) or the help.
    if (err instanceof CommanderError) {
      if (err.code !== 'commander.helpDisplayed' && err.code !== 'commander.version') process.exitCode = 2;
      return;
    }
    // A path the user gave that the system refused (a directory for a file, a file for a directory).
    const fsErr = err as NodeJS.ErrnoException;
    if (fsErr.path && fsErr.code && USER_FS_CODES.has(fsErr.code)) {
      process.stderr.write(`${name}: ${fsErr.path}: ${FS_REASON[fsErr.code] ?? fsErr.code}\n`);
      process.exitCode = 2;
      return;
    }
    // A full (or read-only) disk under --out: one line naming the file; what was written before stays and resumes.
    if (fsErr.code && DISK_FULL_CODES.has(fsErr.code)) {
      process.stderr.write(`${name}: cannot write ${fsErr.path ?? 'an output file'}: ${FS_REASON[fsErr.code] ?? 'the disk refused the write'} (${fsErr.code}); free space, then rerun the same command: finished work is kept and resumed\n`);
      process.exitCode = 3;
      return;
    }
    process.stderr.write(`${name}: internal error\n`);
    console.error(err);
    process.exitCode = 1;
  }
}

/** Exit code of a run that finished but left episodes errored (not scored; the same command retries them). */
export const EXIT_ERRORED = 4;

/** Says that some episodes errored and makes the command exit non-zero. */
export function reportErrored(name: string, errored: string[], where: string, scoredAsUnsolved = false): void {
  if (!errored.length) return;
  const ids = errored.slice(0, 5).join(', ') + (errored.length > 5 ? ', ...' : '');
  const how = scoredAsUnsolved ? 'scored as unsolved (the protocol counts every task)' : 'not scored';
  process.stderr.write(`${name}: ${errored.length} episode${errored.length > 1 ? 's' : ''} errored (${ids}) and ${errored.length > 1 ? 'are' : 'is'} ${how}; rerun the same command to retry (${where})\n`);
  process.exitCode = EXIT_ERRORED;
}

const FS_REASON: Record<string, string> = {
  EISDIR: 'is a directory', ENOTDIR: 'a part of the path is not a directory', EEXIST: 'already exists',
  EACCES: 'permission denied', ENOENT: 'no such file or directory',
};
const USER_FS_CODES = new Set(Object.keys(FS_REASON));
const DISK_FULL = { ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EROFS: 'read-only file system' };
const DISK_FULL_CODES = new Set(Object.keys(DISK_FULL));
Object.assign(FS_REASON, DISK_FULL);

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let signalsHooked = false;

/**
 * The CLI, not the library, decides that a signal ends the process: it says what each open run
 * directory has saved (on stderr and in run.log), then exits, which runs the library's 'exit'
 * hooks (sandbox containers removed, run-directory locks released).
 */
function exitOnSignals(name: string): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of Object.keys(SIGNAL_EXIT)) process.on(sig, () => process.exit(interrupted(name, sig)));
}

/** Reports an interrupt for every open run directory and closes them; returns the exit code of the signal. */
export function interrupted(name: string, sig: string): number {
  const runs = activeRuns.list();
  const lines = runs.length ? runs.map((r) => r.interruptNote()) : ['interrupted before a run directory was opened: nothing saved'];
  for (const line of lines) {
    process.stderr.write(`\n${name}: ${line} (${sig})\n`);
    noteInRunLogs(`${line} (${sig})`);
  }
  for (const r of runs) r.close();
  return SIGNAL_EXIT[sig as keyof typeof SIGNAL_EXIT] ?? 130;
}

/** Splits "a,b , c" into ["a","b","c"]. */
export function csv(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Parses argv with a command built by `build` under runCli; exported by each CLI for in-process tests. */
export function cliMain(name: string, build: () => Command): (argv?: string[]) => Promise<void> {
  return (argv = process.argv.slice(2)) =>
    runCli(name, async () => {
      await build().exitOverride().parseAsync(argv, { from: 'user' });
    });
}

/** Whether the module at metaUrl is the script node was started with (not imported by a test). */
export function isEntryPoint(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return metaUrl === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/**
 * The default a core's option schema gives `key`, for commander's "(default: X)" in the help: the
 * value is written once, in the schema.
 */
export function defaultOf<S extends z.ZodRawShape, K extends keyof S & string>(schema: z.ZodObject<S>, key: K): Exclude<z.output<S[K]>, undefined> {
  let t: z.ZodTypeAny = schema.shape[key]!;
  while (t instanceof z.ZodOptional || t instanceof z.ZodNullable || t instanceof z.ZodEffects) t = t instanceof z.ZodEffects ? t.innerType() : t.unwrap();
  if (!(t instanceof z.ZodDefault)) throw new Error(`option schema has no default for ${key}`);
  return (t._def as z.ZodDefaultDef).defaultValue() as Exclude<z.output<S[K]>, undefined>;
}
