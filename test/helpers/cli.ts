import { afterEach, vi } from 'vitest';

/**
 * For the tests of a CLI's main(argv): `run(...argv)` calls it with stdout and stderr captured
 * and returns its exit code; `stdout()` and `stderr()` give what the last run wrote. Registers an
 * afterEach that clears process.exitCode, so a failing run does not fail the test process.
 */
export function cliRunner(main: (argv: string[]) => Promise<unknown>): { run: (...argv: string[]) => Promise<number>; stdout: () => string; stderr: () => string } {
  let out: string[] = [];
  let err: string[] = [];
  const run = async (...argv: string[]): Promise<number> => {
    out = [];
    err = [];
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    try {
      process.exitCode = undefined;
      await main(argv);
      return Number(process.exitCode ?? 0);
    } finally {
      e.mockRestore();
      o.mockRestore();
      process.exitCode = undefined;
    }
  };
  afterEach(() => { process.exitCode = undefined; });
  return { run, stdout: () => out.join(''), stderr: () => err.join('') };
}
