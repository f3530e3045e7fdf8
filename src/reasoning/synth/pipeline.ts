import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FlagTable } from '../../config/flags.js';
import { parseOptions } from '../../config/options.js';
import { createModel } from '../../models/factory.js';
import { MODEL_SPEC_FORMS, parseModelSpec } from '../../models/spec.js';
import type { ChatModel } from '../../models/types.js';
import { loadPrices, UsageTracker, type RoleUsageJson } from '../../models/usage.js';
import { versionField } from '../../run/format.js';
import { RunDir } from '../../run/run-dir.js';
import { runItems, type RunItemsOptions, type RunItemsResult } from '../../run/run-items.js';
import { SandboxOptionsSchema } from '../../sandbox/options.js';
import type { Sandbox } from '../../sandbox/types.js';
import type { Reporter } from '../../report/reporter.js';
import { UserError } from '../../util/errors.js';
import { readJsonl, readJsonlTolerant } from '../../util/jsonl.js';
import { buildSamples } from './build.js';
import { executeWorkers, rowExecutor } from './execute.js';
import { filterRows } from './filter.js';
import { offlineWriterFor, writeInputRow } from './inputs.js';
import {
  bump, ExecLimitsSchema, ExecutedRowSchema, FilteredRowSchema, InputsRowSchema, STAGE_FILES, STAGES, SYNTH_FORMAT,
  type ExecutedRow, type InputsRow, type RawRow, type Stage, type StageCounts,
} from './records.js';
import { loadRawSource } from './source.js';
import { writeRowsAtomic } from './stage-io.js';

/** Options of `run-reasoning synth`; the defaults are the command's. */
export const SynthOptionsSchema = z.object({
  /** Input of the first stage run: raw JSONL or a .py folder (inputs), else that stage's JSONL. */
  from: z.string().min(1).optional(),
  out: z.string().min(1),
  stage: z.enum([...STAGES, 'all']).default('all'),
  forEval: z.boolean().default(false),
  limit: z.number().int().positive().optional(),
  limits: ExecLimitsSchema.default({}),
  /** Model calls in flight. */
  concurrency: z.number().int().positive().default(8),
  /** Executions at once (the sandbox's slots). */
  parallel: SandboxOptionsSchema.shape.parallel,
  /** Seed of sample building and of the offline writer. */
  seed: z.number().int().min(0).default(0),
  temperature: z.number().min(0).max(2).default(0.2),
  maxTokens: z.number().int().positive().default(2048),
  /** The input writer's spec, built with createModel when the caller passes no model (offline: the offline writer). */
  model: z.string().min(1).optional(),
  /** Use the response cache for a model built from `model`. */
  cache: z.boolean().default(true),
  /** Response cache directory (default: the project's). */
  cacheDir: z.string().min(1).optional(),
});
export type SynthOptions = z.input<typeof SynthOptionsSchema>;

/** The `run-reasoning synth` flags (parallel is the sandbox flags'; limits are EXEC_LIMITS_FLAGS). */
export const SYNTH_FLAGS: FlagTable<typeof SynthOptionsSchema.shape> = {
  from: { flag: '--from <path>', description: 'raw JSONL {id, content, import_code} or a folder of .py files (for --stage other than inputs: that stage\'s input JSONL)' },
  model: { flag: '--model <spec>', description: `input writer: ${MODEL_SPEC_FORMS}` },
  out: { flag: '--out <dir>', description: 'output directory (stage files, samples.jsonl, synth-stats.json); rerunning resumes', required: true },
  stage: { flag: '--stage <stage>', description: 'stage to run' },
  forEval: { flag: '--for-eval', description: 'build samples in the published test set layout' },
  limit: { flag: '--limit <n>', description: 'only the first N rows of the first stage' },
  concurrency: { flag: '--concurrency <n>', description: 'model calls in flight' },
  temperature: { flag: '--temperature <t>', description: 'sampling temperature' },
  maxTokens: { flag: '--max-tokens <n>', description: 'token limit per reply' },
  cache: { flag: '--no-cache', description: 'do not use the response cache' },
  seed: { flag: '--seed <n>', description: 'seed for sample building and the offline writer' },
};
export type SynthConfig = z.output<typeof SynthOptionsSchema>;

export interface SynthDeps {
  sandbox: Sandbox;
  /** The input writer for these raw rows (tests); default: built from options.model. */
  model?: (rows: RawRow[]) => Promise<ChatModel>;
  /** One phase per resumable stage (onRunStart with the rows resumed, onItemEnd per row written). */
  reporter?: Reporter;
}

export interface SynthStats {
  synth_format: number;
  source?: { from: string; files: number; functions: number; rejected: Record<string, number> };
  stages: Partial<Record<Stage, StageCounts>>;
  /** Model calls of the last inputs stage run with a model built from options.model, by role (live and cached). */
  usage?: Record<string, RoleUsageJson>;
}

const STATS_FILE = 'synth-stats.json';

function stageInput(stage: Stage, first: boolean, o: SynthConfig): string {
  if (first && o.from) return o.from;
  if (stage === 'inputs') throw new UserError('MISSING_OPTION', '--from is required for the inputs stage (raw JSONL or a folder of .py files)');
  const prev = STAGES[STAGES.indexOf(stage) - 1]!;
  const file = join(o.out, STAGE_FILES[prev]);
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file (run the ${prev} stage first, or pass --from)`);
  return file;
}

const take = <T>(rows: T[], limit?: number): T[] => (limit ? rows.slice(0, limit) : rows);

/** Runs the requested stages in order; each reads the previous stage's file and writes its own. */
export async function runSynth(input: SynthOptions, deps: SynthDeps): Promise<SynthStats> {
  const o = parseOptions(SynthOptionsSchema, input);
  // Stages run one by one into the same directory, so only the kind is checked.
  const dir = RunDir.open({ dir: o.out, kind: 'synth', journal: STATS_FILE, adopt: true, identity: {}, config: { stage: o.stage, from: o.from, forEval: o.forEval, limit: o.limit, seed: o.seed } });
  try {
    return await synthIn(o, deps, dir);
  } finally {
    dir.close();
  }
}

async function synthIn(o: SynthConfig, deps: SynthDeps, dir: RunDir): Promise<SynthStats> {
  const statsFile = dir.path(STATS_FILE);
  const stats: SynthStats = existsSync(statsFile) ? readStats(statsFile) : { synth_format: SYNTH_FORMAT, stages: {} };
  const stages = o.stage === 'all' ? [...STAGES] : [o.stage];
  const tracker = new UsageTracker(loadPrices());
  for (const [k, stage] of stages.entries()) {
    const input = stageInput(stage, k === 0, o);
    const limit = k === 0 ? o.limit : undefined;
    const t0 = performance.now();
    let counts: Omit<StageCounts, 'seconds'>;
    if (stage === 'inputs') {
      const src = await loadRawSource(input, deps.sandbox);
      stats.source = { from: input, files: src.files, functions: src.rows.length, rejected: src.rejected };
      const rows = take(src.rows, limit);
      let model: ChatModel | undefined;
      const r = await runStage(dir, stage, rows, (row) => row.id, deps, {
        concurrency: o.concurrency,
        // The writer is built for the rows left only, and not at all when every row is done.
        prepare: async ({ todo }) => { if (todo.length) model = await (deps.model ?? ((w) => writerModel(o, w, deps.sandbox, tracker)))([...todo]); },
        work: (row) => writeInputRow(row, model!, { temperature: o.temperature, maxTokens: o.maxTokens }),
      });
      counts = countFile<InputsRow>(r.file, new Set(rows.map((row) => row.id)), (row) => (row.check_result ? null : 'no_examples'));
      const usage = tracker.toJSON();
      if (Object.keys(usage).length) stats.usage = usage;
      counts.resumed = r.resumed;
    } else if (stage === 'execute') {
      const rows = take(readJsonl(input, InputsRowSchema), limit);
      let exec: ReturnType<typeof rowExecutor> | undefined;
      const r = await runStage(dir, stage, rows, (row) => row.gen_answer_id, deps, {
        concurrency: executeWorkers(o.parallel),
        prepare: ({ todo }) => { exec = rowExecutor(todo, deps.sandbox, { limits: o.limits, parallel: o.parallel }); },
        work: (row) => exec!(row),
      });
      const droppedInputs: Record<string, number> = {};
      counts = countFile<ExecutedRow>(r.file, new Set(rows.map((row) => row.gen_answer_id)), (row) => {
        for (const [why, n] of Object.entries(row.synth_exec?.dropped_inputs ?? {})) bump(droppedInputs, why, n);
        return row.exec_status ? null : (row.synth_exec?.reason ?? 'exec_status_false');
      });
      counts.droppedInputs = droppedInputs;
      counts.resumed = r.resumed;
    } else if (stage === 'filter') {
      const rows = take(readJsonl(input, ExecutedRowSchema), limit);
      const r = filterRows(rows, o.limits.minCases);
      writeRowsAtomic(join(o.out, STAGE_FILES.filter), r.kept);
      counts = { in: rows.length, kept: r.kept.length, dropped: r.dropped };
    } else {
      const rows = take(readJsonl(input, FilteredRowSchema), limit);
      const r = buildSamples(rows, { forEval: o.forEval, seed: o.seed });
      writeRowsAtomic(join(o.out, STAGE_FILES.build), r.samples);
      counts = { in: rows.length, kept: r.samples.length, dropped: r.dropped };
    }
    stats.stages[stage] = { ...counts, seconds: Math.round((performance.now() - t0) / 100) / 10 };
    deps.reporter?.onRunEnd?.({ phase: stage });
    dir.writeJson(STATS_FILE, stats); // whole or not at all, with the format version
  }
  return stats;
}

/** A stage row as journaled: the original's layout, read back only for the id it finishes. */
const StageRowSchema = z.object({ gen_answer_id: z.coerce.string() }).passthrough();
type StageRow = z.infer<typeof StageRowSchema>;

/** A stage resumed row by row through the run skeleton: its file is the journal, rows kept as they are (no version). */
function runStage<I>(
  dir: RunDir, stage: 'inputs' | 'execute', items: readonly I[], idOf: (item: I) => string, deps: SynthDeps,
  o: Pick<RunItemsOptions<I, StageRow>, 'concurrency' | 'prepare'> & { work: (item: I) => Promise<object> },
): Promise<RunItemsResult<StageRow>> {
  return runItems<I, StageRow>({
    dir, journal: STAGE_FILES[stage], schema: StageRowSchema, versioned: false, items, idOf, recordId: (r) => r.gen_answer_id,
    work: async (item) => (await o.work(item)) as StageRow, concurrency: o.concurrency, unit: 'rows', prepare: o.prepare,
    phase: stage, ...(deps.reporter ? { reporter: deps.reporter } : {}),
  });
}

/** synth-stats.json of an earlier invocation; its format version is checked and left to the RunDir to write again. */
function readStats(file: string): SynthStats {
  const { version, ...stats } = JSON.parse(readFileSync(file, 'utf8')) as SynthStats & { version?: unknown };
  const v = versionField.safeParse(version);
  if (!v.success) throw new UserError('BAD_RUN', `${file}: ${v.error.issues[0]!.message}`);
  return stats;
}

/** The input writer of options.model: the offline writer (it reads the rows), else createModel's, tracked and cached. */
async function writerModel(o: SynthConfig, rows: RawRow[], sandbox: Sandbox, tracker: UsageTracker): Promise<ChatModel> {
  if (!o.model) throw new UserError('MISSING_OPTION', 'the inputs stage needs a model (options.model)');
  if (parseModelSpec(o.model).provider === 'offline') return offlineWriterFor(rows, sandbox, o.seed);
  return createModel(o.model, { temperature: o.temperature, maxTokens: o.maxTokens, concurrency: o.concurrency }, {
    cache: o.cache, tracker, ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  });
}

/** Counts the rows of a resumable stage's file that belong to this run's input ids. */
function countFile<T>(file: string, ids: Set<string>, reasonOf: (row: T) => string | null): Omit<StageCounts, 'seconds'> {
  const dropped: Record<string, number> = {};
  let kept = 0;
  let n = 0;
  const seen = new Set<string>();
  for (const row of readJsonlTolerant<T & { gen_answer_id: string }>(file)) {
    if (!ids.has(row.gen_answer_id) || seen.has(row.gen_answer_id)) continue;
    seen.add(row.gen_answer_id);
    n++;
    const why = reasonOf(row);
    if (why === null) kept++;
    else bump(dropped, why);
  }
  return { in: n, kept, dropped };
}
