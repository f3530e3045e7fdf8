import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { writeJsonAtomic } from '../run/atomic.js';
import { versioned } from '../run/format.js';
import { lockRunDir } from '../run/lock.js';
import { ensureDir } from '../run/run-dir.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { loadTask, prepareTaskData } from './data.js';
import { writeOutputs, type ReasoningSandbox, type RunReasoningResult, type WriteOut } from './outputs.js';
import { postprocess } from './postprocess.js';
import { scoreGenerations } from './scoring.js';
import { ScorerOptionSchema, type GenerationsMap, type ReasoningTask } from './types.js';

/** Post-processes raw model text for scoring (Case2Code: the code block). */
export function processGenerations(task: ReasoningTask, raw: GenerationsMap, cot: boolean): GenerationsMap {
  return Object.fromEntries(Object.entries(raw).map(([id, list]) => [id, list.map((g) => postprocess(g, task.mode, cot))]));
}

export interface ReadGenerations {
  generations: GenerationsMap;
  /** The file carried `"synthetic": true`. */
  synthetic: boolean;
  /** It was a scored file (its `raw_generations` were read). */
  fromScoredFile: boolean;
}

/**
 * Reads a generations file (id -> list) or a scored file (its `raw_generations`). A top-level
 * boolean `synthetic` is metadata, not an id. Structural problems are UserErrors; ids are checked
 * against the task when scoring.
 */
export function readGenerationsFile(file: string): ReadGenerations {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_JSON', `${file}: malformed JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError('BAD_GENERATIONS', `${file}: expected an object mapping sample ids to lists of generations`);
  }
  let obj = data as Record<string, unknown>;
  const synthetic = obj.synthetic === true;
  const fromScoredFile = 'raw_generations' in obj;
  if (fromScoredFile) {
    const inner = obj.raw_generations;
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      throw new UserError('BAD_GENERATIONS', `${file}: raw_generations is not an object mapping sample ids to lists`);
    }
    obj = inner as Record<string, unknown>;
  } else if (typeof obj.synthetic === 'boolean') {
    const { synthetic: _drop, ...rest } = obj;
    obj = rest;
  }
  for (const [id, list] of Object.entries(obj)) {
    if (!Array.isArray(list)) throw new UserError('BAD_GENERATIONS', `${file}: entry ${id} is not a list`);
    const bad = list.findIndex((g) => typeof g !== 'string');
    if (bad >= 0) throw new UserError('BAD_GENERATIONS', `${file}: entry ${id}[${bad}] is not a string`);
  }
  return { generations: obj as GenerationsMap, synthetic, fromScoredFile };
}

/** Options of `run-reasoning score`; the defaults are the command's. */
export const ScoreFileOptionsSchema = z.object({
  task: z.string().min(1),
  generations: z.string().min(1),
  dataDir: z.string().optional(),
  scorer: ScorerOptionSchema,
  out: z.string().min(1),
  /** The entries are raw model text: apply the task's post-processing first. */
  raw: z.boolean().default(false),
  /** With raw: the CoT rule. */
  cot: z.boolean().default(false),
  dedupe: z.boolean().optional(),
  literalFastPath: z.boolean().optional(),
});
export type ScoreFileOptions = z.input<typeof ScoreFileOptionsSchema>;

/** `run-reasoning score`: scores a generations or scored file and writes scored.json and summary.json. */
export async function scoreFile(input: ScoreFileOptions, deps: { sandbox: ReasoningSandbox; logger?: Logger; reporter?: Reporter }): Promise<RunReasoningResult> {
  const opts = parseOptions(ScoreFileOptionsSchema, input);
  if (!opts.dataDir) await prepareTaskData(opts.task);
  const task = loadTask(opts.task, { dataDir: opts.dataDir });
  const read = readGenerationsFile(opts.generations);
  let gens = read.generations;
  const wrongIds = Object.keys(gens).filter((id) => !task.byId.has(id));
  if (wrongIds.length) {
    throw new UserError('UNKNOWN_IDS', `${opts.generations}: ids not in task ${task.name}: ${wrongIds.slice(0, 5).join(', ')}${wrongIds.length > 5 ? `, ... (${wrongIds.length} in all)` : ''}`);
  }
  if (opts.raw) gens = processGenerations(task, gens, opts.cot);
  ensureDir(opts.out);
  const lock = lockRunDir(opts.out);
  try {
    const score = await scoreGenerations(task, gens, {
      scorer: opts.scorer, sandbox: deps.sandbox, dedupe: opts.dedupe, literalFastPath: opts.literalFastPath,
      onProgress: (done, total) => deps.reporter?.onProgress?.({ phase: 'score', done, total }),
    });
    deps.reporter?.onRunEnd?.({ phase: 'score' });
    const lengths = Object.values(gens).map((l) => l.length);
    const n = lengths.length && lengths.every((l) => l === lengths[0]) ? lengths[0]! : null;
    deps.logger?.info(`run-reasoning score: ${basename(opts.generations)} ${Object.entries(score.passAtK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')}`);
    const write: WriteOut = (name, value) => {
      const file = join(opts.out, name);
      writeJsonAtomic(file, versioned(value), 1);
      return file;
    };
    return writeOutputs(task, score, write, {
      model: null, synthetic: read.synthetic, n, temperature: null, cot: opts.raw ? opts.cot : null, rag: null,
      usage: null, sandbox: deps.sandbox,
    });
  } finally {
    lock.release();
  }
}

