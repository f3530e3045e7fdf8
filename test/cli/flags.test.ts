import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addFlags, flagValues } from '../../src/cli/flags.js';
import type { FlagTable } from '../../src/config/flags.js';
import { RUN_EVAL_FLAGS, RunEvalOptionsSchema } from '../../src/eval/run-eval.js';
import { SANDBOX_FLAGS } from '../../src/cli/sandbox-options.js';
import { SandboxOptionsSchema } from '../../src/sandbox/options.js';

const Schema = z.object({
  mode: z.enum(['a', 'b']).default('a'),
  timeoutS: z.number().positive().default(121),
  ids: z.array(z.string()).optional(),
  cache: z.boolean().default(true),
  out: z.string(),
});
const TABLE: FlagTable<typeof Schema.shape> = {
  mode: { flag: '--mode <m>', description: 'the mode' },
  timeoutS: { flag: '--timeout <s>', description: 'limit' },
  ids: { flag: '--ids <ids>', description: 'only these' },
  cache: { flag: '--no-cache', description: 'no cache' },
};
const parse = (argv: string[], defaults?: 'set' | 'show'): Record<string, unknown> => {
  const cmd = addFlags(new Command('t').exitOverride(), Schema, TABLE, { defaults });
  cmd.parse(argv, { from: 'user' });
  return flagValues(cmd.opts(), TABLE);
};

describe('flag tables', () => {
  it('take type, choices and default from the schema and return values under its keys', () => {
    expect(parse(['--timeout', '5', '--ids', 'x, y', '--mode', 'b'])).toEqual({ mode: 'b', timeoutS: 5, ids: ['x', 'y'], cache: true });
    expect(parse([])).toEqual({ mode: 'a', timeoutS: 121, cache: true });
    expect(parse(['--no-cache'])).toMatchObject({ cache: false });
  });

  it('check a number with the key\'s own schema and name the flag', () => {
    expect(() => parse(['--timeout', '0'])).toThrow(/^--timeout: number must be greater than 0, got "0"/);
    expect(() => parse(['--timeout', 'x'])).toThrow(/--timeout: expected a number/);
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try { expect(() => parse(['--mode', 'c'])).toThrow(); } finally { process.stderr.write = err; }
  });

  it('show the default in --help, set or only shown (for layered configs)', () => {
    const help = (d?: 'set' | 'show'): string => addFlags(new Command('t'), Schema, TABLE, { defaults: d }).helpInformation().replace(/\s+/g, ' ');
    expect(help()).toContain('limit (default: 121)');
    expect(help()).toContain('(choices: "a", "b", default: "a")');
    expect(help('show')).toContain('limit (default: 121)');
    expect(parse([], 'show')).toEqual({ cache: true });
  });

  it('every table names keys of its schema', () => {
    for (const [schema, table] of [[SandboxOptionsSchema, SANDBOX_FLAGS], [RunEvalOptionsSchema, RUN_EVAL_FLAGS]] as const) {
      for (const key of Object.keys(table)) expect(Object.keys(schema.shape)).toContain(key);
    }
  });
});
