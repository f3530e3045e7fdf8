import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main as compareRunsMain } from '../../src/cli/compare-runs.js';
import { defaultOf } from '../../src/cli/common.js';
import { main as runBenchMain } from '../../src/cli/run-bench.js';
import { main as runEvalMain } from '../../src/cli/run-eval.js';
import { main as runReasoningMain } from '../../src/cli/run-reasoning.js';
import { main as runRepoMain } from '../../src/cli/run-repo.js';
import { main as runWorkerMain } from '../../src/cli/run-worker.js';
import { main as runWorldMain } from '../../src/cli/run-world.js';
import { SANDBOX_FLAGS } from '../../src/cli/sandbox-options.js';
import { DEFAULT_CONFIG_FILE, readYamlConfig, RUN_WORLD_FLAGS } from '../../src/config/world.js';
import { baseType, schemaDefault, type FlagTable } from '../../src/config/flags.js';
import { REPO_BUILD_DEFAULTS, REPO_BUILD_FLAGS, REPO_RUN_DEFAULTS, REPO_RUN_FLAGS } from '../../src/repo/config.js';
import { CONVCODEWORLD_TIMEOUT_S } from '../../src/feedback/constants.js';
import { compareRuns, CompareOptionsSchema } from '../../src/compare/compare.js';
import { HtmlOptionsSchema } from '../../src/view/snapshot.js';
import { runEval, RunEvalOptionsSchema } from '../../src/eval/run-eval.js';
import { ModelParamsSchema } from '../../src/models/spec.js';
import { CASE2CODE_DEFAULTS, resolveReasoningOptions, RunReasoningOptionsSchema, ScoreFileOptionsSchema } from '../../src/reasoning/run.js';
import { SYNTH_FLAGS, SynthOptionsSchema } from '../../src/reasoning/synth/pipeline.js';
import { EXEC_LIMITS_FLAGS, ExecLimitsSchema } from '../../src/reasoning/synth/records.js';
import { BenchOptionsSchema } from '../../src/replay/bench.js';
import { SandboxOptionsSchema } from '../../src/sandbox/options.js';
import { WorkerOptionsSchema } from '../../src/sandbox/queue/index.js';
import type { ExecResult, Sandbox } from '../../src/sandbox/types.js';

// Defaults live once, in the cores' option schemas: the help shows them and library callers get them.
const dir = mkdtempSync(join(tmpdir(), 'cli-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The help of a command, one entry per option with its wrapped lines joined. */
async function help(main: (argv: string[]) => Promise<void>, argv: string[]): Promise<Map<string, string>> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  const before = process.exitCode;
  try {
    await main([...argv, '--help']);
  } finally {
    process.stdout.write = write;
    process.exitCode = before;
  }
  const entries = out.join('').split(/\n(?= {2}-)/).map((e) => e.replace(/\s+/g, ' ').trim());
  return new Map(entries.filter((e) => e.startsWith('-')).map((e) => [e.split(' ')[0]!, e]));
}

/** The "(default: X)" commander prints for a flag, as JSON. */
function shownDefault(entries: Map<string, string>, flag: string): unknown {
  const entry = entries.get(flag);
  const m = entry?.match(/default: (.*)\)$/);
  if (!m) throw new Error(`no default shown for ${flag}: ${entry}`);
  return JSON.parse(m[1]!);
}

type Shape = z.ZodRawShape;
const cases: { cli: string; main: (argv: string[]) => Promise<void>; argv: string[]; flags: [string, z.ZodObject<Shape>, string][] }[] = [
  {
    cli: 'run-bench', main: runBenchMain, argv: [],
    flags: [['--concurrency', BenchOptionsSchema, 'concurrency'], ['--max-calls-per-turn', BenchOptionsSchema, 'maxCallsPerTurn'], ['--seed', BenchOptionsSchema, 'seed'], ['--sandbox', SandboxOptionsSchema, 'sandbox'], ['--parallel', SandboxOptionsSchema, 'parallel']],
  },
  {
    cli: 'run-reasoning', main: runReasoningMain, argv: [],
    flags: [['--n', RunReasoningOptionsSchema, 'n'], ['--temperature', RunReasoningOptionsSchema, 'temperature'], ['--concurrency', RunReasoningOptionsSchema, 'concurrency'], ['--scorer', RunReasoningOptionsSchema, 'scorer']],
  },
  { cli: 'run-reasoning score', main: runReasoningMain, argv: ['score'], flags: [['--scorer', ScoreFileOptionsSchema, 'scorer']] },
  {
    cli: 'run-reasoning synth', main: runReasoningMain, argv: ['synth'],
    flags: [
      ['--stage', SynthOptionsSchema, 'stage'], ['--concurrency', SynthOptionsSchema, 'concurrency'], ['--temperature', SynthOptionsSchema, 'temperature'],
      ['--max-tokens', SynthOptionsSchema, 'maxTokens'], ['--seed', SynthOptionsSchema, 'seed'], ['--call-timeout', ExecLimitsSchema, 'callTimeoutS'],
      ['--exec-memory-mb', ExecLimitsSchema, 'memoryMb'], ['--max-output-chars', ExecLimitsSchema, 'maxOutputChars'], ['--min-cases', ExecLimitsSchema, 'minCases'],
    ],
  },
  {
    cli: 'run-eval', main: runEvalMain, argv: [],
    flags: [['--dataset', RunEvalOptionsSchema, 'dataset'], ['--subset', RunEvalOptionsSchema, 'subset'], ['--timeout', RunEvalOptionsSchema, 'timeoutS']],
  },
  { cli: 'compare-runs', main: compareRunsMain, argv: [], flags: [['--resamples', CompareOptionsSchema, 'resamples'], ['--seed', CompareOptionsSchema, 'seed']] },
  {
    cli: 'run-worker', main: runWorkerMain, argv: [],
    flags: [['--parallel', WorkerOptionsSchema, 'parallel'], ['--sandbox', WorkerOptionsSchema, 'sandbox'], ['--lock-ms', WorkerOptionsSchema, 'lockMs']],
  },
];

describe('the help shows the schema\'s defaults', () => {
  for (const c of cases) {
    it(c.cli, async () => {
      const entries = await help(c.main, c.argv);
      for (const [flag, schema, key] of c.flags) expect([flag, shownDefault(entries, flag)]).toEqual([flag, defaultOf(schema, key)]);
    });
  }
  it('defaults written in the help text come from the schemas too', async () => {
    expect((await help(runBenchMain, [])).get('--max-tokens')).toContain(`(default ${defaultOf(ModelParamsSchema, 'maxTokens')})`);
    expect((await help(compareRunsMain, [])).get('--max-tasks')).toContain(`(default ${defaultOf(HtmlOptionsSchema, 'maxTasks')};`);
    const reasoning = await help(runReasoningMain, []);
    expect(reasoning.get('--n')).toContain(`(Case2Code: ${CASE2CODE_DEFAULTS.n})`);
    expect(reasoning.get('--temperature')).toContain(`(Case2Code: ${CASE2CODE_DEFAULTS.temperature})`);
  });
});

/** The first "(default: X)" of a flag (a layered default is followed by its choices), as JSON. */
function firstDefault(entries: Map<string, string>, flag: string): unknown {
  const m = entries.get(flag)?.match(/\(default: ([^)]*)\)/);
  if (!m) throw new Error(`no default shown for ${flag}: ${entries.get(flag)}`);
  return JSON.parse(m[1]!);
}

describe('run-world\'s help shows the defaults its config layers give', () => {
  it('every flag the defaults file sets, with the file\'s value', async () => {
    const entries = await help(runWorldMain, []);
    const file = readYamlConfig(DEFAULT_CONFIG_FILE);
    const shown = Object.entries(RUN_WORLD_FLAGS).filter(([k]) => ['string', 'number'].includes(typeof file[k]));
    expect(shown.length).toBeGreaterThan(8);
    for (const [key, spec] of shown) {
      const flag = spec!.flag.split(' ')[0]!;
      expect([flag, firstDefault(entries, flag)]).toEqual([flag, file[key]]);
    }
  });

  it('the time limit is ConvCodeWorld\'s constant, and the sandbox flags and defaults are every command\'s', async () => {
    const world = await help(runWorldMain, []);
    const evals = await help(runEvalMain, []);
    expect(firstDefault(world, '--timeout')).toBe(CONVCODEWORLD_TIMEOUT_S);
    expect(firstDefault(world, '--parallel')).toBe(shownDefault(evals, '--parallel'));
    expect(firstDefault(world, '--sandbox')).toBe(defaultOf(SandboxOptionsSchema, 'sandbox'));
    for (const spec of Object.values(SANDBOX_FLAGS)) expect(world.get(spec!.flag.split(' ')[0]!)).toContain(`${spec!.flag} ${spec!.description}`);
  });
});

describe('run-repo\'s help shows the defaults its YAML files give', () => {
  const cases: [string, string[], FlagTable<Shape>, string][] = [['run-repo', ['run'], REPO_RUN_FLAGS, REPO_RUN_DEFAULTS], ['run-repo build', ['build'], REPO_BUILD_FLAGS, REPO_BUILD_DEFAULTS]];
  for (const [name, argv, table, file] of cases) {
    it(`${name}: every flag its defaults file sets, with the file's value (a list as its comma list)`, async () => {
      const entries = await help(runRepoMain, argv);
      const values = readYamlConfig(file);
      const shown = Object.entries(table).filter(([k]) => values[k] !== undefined && typeof values[k] !== 'boolean');
      expect(shown.length).toBeGreaterThan(argv[0] === 'build' ? 4 : 12);
      for (const [key, spec] of shown) {
        const flag = spec!.flag.split(' ')[0]!;
        const v = values[key];
        expect([flag, firstDefault(entries, flag)]).toEqual([flag, Array.isArray(v) ? v.join(',') : v]);
      }
    });
  }
});

describe('run-reasoning synth\'s help shows every default its flag tables\' schemas give', () => {
  it('each flag with a non-boolean default', async () => {
    const entries = await help(runReasoningMain, ['synth']);
    const tables: [z.ZodObject<Shape>, FlagTable<Shape>][] = [[SynthOptionsSchema, SYNTH_FLAGS], [ExecLimitsSchema, EXEC_LIMITS_FLAGS]];
    let n = 0;
    for (const [schema, table] of tables) {
      for (const [key, spec] of Object.entries(table)) {
        const d = schemaDefault(schema.shape[key]!);
        if (d === undefined || typeof d === 'boolean' || baseType(schema.shape[key]!) instanceof z.ZodBoolean) continue;
        const flag = spec!.flag.split(' ')[0]!;
        expect([flag, shownDefault(entries, flag)]).toEqual([flag, d]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(8);
  });
});

describe('every command that runs code has --quiet', () => {
  const commands: [string, (argv: string[]) => Promise<void>, string[]][] = [
    ['run-world', runWorldMain, []], ['run-bench', runBenchMain, []], ['run-eval', runEvalMain, []], ['run-reasoning', runReasoningMain, []],
    ['run-reasoning score', runReasoningMain, ['score']], ['run-reasoning synth', runReasoningMain, ['synth']], ['run-worker', runWorkerMain, []],
    ['run-repo', runRepoMain, ['run']], ['run-repo build', runRepoMain, ['build']],
  ];
  for (const [name, main, argv] of commands) {
    it(name, async () => expect((await help(main, argv)).has('--quiet')).toBe(true));
  }
});

describe('library callers get the same defaults as the command line', () => {
  it('compareRuns without options: the resamples and seed compare-runs shows', async () => {
    const entries = await help(compareRunsMain, []);
    const c = compareRuns([]);
    expect(c.options).toEqual({ resamples: shownDefault(entries, '--resamples'), seed: shownDefault(entries, '--seed'), maxPairs: defaultOf(CompareOptionsSchema, 'maxPairs') });
  });

  it('runEval without a timeout or subset: the ones run-eval shows, recorded in the run directory', async () => {
    const entries = await help(runEvalMain, []);
    const sandbox: Sandbox = {
      kind: 'local', start: async () => undefined, close: async () => undefined, environmentId: () => 'fake-judge',
      checkSyntax: async () => ({ ok: true }), runChecks: async () => [],
      runUnittest: async (): Promise<ExecResult> => ({ status: 'pass', details: {}, tests: ['test_a'], compatOrder: [], timedOut: false, oom: false, durationMs: 1 }),
    };
    const out = join(dir, 'eval');
    const dataset = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
    await runEval({ dataset, canonical: true, ids: ['Sample/0'], out, parallel: 1 }, { sandbox });
    const config = parseYaml(readFileSync(join(out, 'config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ timeoutS: shownDefault(entries, '--timeout'), subset: shownDefault(entries, '--subset'), calibrated: true });
  });

  it('run-reasoning\'s options: the help\'s defaults, and Case2Code\'s greedy ones for case2code', async () => {
    const entries = await help(runReasoningMain, []);
    const base = { out: join(dir, 'r') };
    expect(resolveReasoningOptions({ ...base, task: 'cruxeval-o' })).toMatchObject({
      n: shownDefault(entries, '--n'), temperature: shownDefault(entries, '--temperature'), concurrency: shownDefault(entries, '--concurrency'), scorer: shownDefault(entries, '--scorer'), cot: false,
    });
    expect(resolveReasoningOptions({ ...base, task: 'case2code' })).toMatchObject(CASE2CODE_DEFAULTS);
    expect(resolveReasoningOptions({ ...base, task: 'case2code', n: 4 })).toMatchObject({ n: 4, temperature: CASE2CODE_DEFAULTS.temperature });
  });

  it('a bad option value from a library caller is one line naming the key', () => {
    expect(() => compareRuns([], { resamples: 0 })).toThrow(/^options: key "resamples": Number must be greater than 0$/);
    expect(() => resolveReasoningOptions({ task: 'cruxeval-o', out: dir, n: 1.5 })).toThrow(/^options: key "n": Expected integer, received float$/);
  });
});
