import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { InfraError, UserError } from '../util/errors.js';

/**
 * Runs a command's body: user mistakes and infrastructure failures print one line and set
 * process.exitCode; anything else is a bug and keeps its stack.
 */
export async function runCli(name: string, body: () => Promise<void>): Promise<void> {
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
    process.stderr.write(`${name}: internal error\n`);
    console.error(err);
    process.exitCode = 1;
  }
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
