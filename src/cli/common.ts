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
    if (err && typeof err === 'object' && (err as { code?: string }).code === 'commander.helpDisplayed') return;
    process.stderr.write(`${name}: internal error\n`);
    console.error(err);
    process.exitCode = 1;
  }
}

/** Splits "a,b , c" into ["a","b","c"]. */
export function csv(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
