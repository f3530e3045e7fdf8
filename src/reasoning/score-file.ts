import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { RunDir } from '../run/run-dir.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { loadTask, prepareTaskData } from './data.js';
import { writeOutputs, type ReasoningSandbox, type RunReasoningResult, type WriteOut } from './outputs.js';
import { postprocess } from './postprocess.js';
import { judgeGenerations, scoreJudged } from './scoring.js';
import { ScorerOptionSchema, type GenerationsMap, type ReasoningTask, type ScorerVersion } from './types.js';

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
  /** The pass@k values the file carries (`pass_at_1`, ...), to compare a re-score with. */
  published: Record<string, number>;
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
  const published = fromScoredFile
    ? Object.fromEntries(Object.entries(data as Record<string, unknown>).filter((e): e is [string, number] => /^pass_at_\d+$/.test(e[0]) && typeof e[1] === 'number'))
    : {};
  return { generations: obj as GenerationsMap, synthetic, fromScoredFile, published };
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
  /** Every judgment in its own fresh interpreter, nothing shared (the upstream way; for measurements). */
  fresh: z.boolean().optional(),
});
export type ScoreFileOptions = z.input<typeof ScoreFileOptionsSchema>;

/** A re-score beside the pass@1 the scored file carries: equal to 1e-6, and under which scorer version. */
export interface PublishedCheck {
  published: number;
  rescored: number;
  scorer: ScorerVersion;
  reproduced: boolean;
  /** pass@1 under the other scorer version, and whether that one reproduces the file. */
  other: { scorer: ScorerVersion; rescored: number; reproduced: boolean };
  /** One line for the console. */
  line: string;
}

const SAME = 1e-6;

function comparePublished(published: number, rescored: number, scorer: ScorerVersion, otherScorer: ScorerVersion, otherValue: number): PublishedCheck {
  const reproduced = Math.abs(published - rescored) <= SAME;
  const other = { scorer: otherScorer, rescored: otherValue, reproduced: Math.abs(published - otherValue) <= SAME };
  const f = (v: number): string => v.toFixed(4);
  let verdict: string;
  if (reproduced && other.reproduced) verdict = 'reproduced (under either scorer version)';
  else if (reproduced) verdict = `reproduced only under --scorer ${scorer} (--scorer ${otherScorer} gives ${f(otherValue)})`;
  else if (other.reproduced) verdict = `NOT reproduced under --scorer ${scorer}; this file reproduces only under --scorer ${otherScorer} (${f(otherValue)})`;
  else verdict = `NOT reproduced (--scorer ${otherScorer} gives ${f(otherValue)})`;
  return { published, rescored, scorer, reproduced, other, line: `pass_at_1: file ${f(published)}, re-scored ${f(rescored)} (--scorer ${scorer}): ${verdict}` };
}

/** `run-reasoning score`: scores a generations or scored file and writes scored.json and summary.json. */
export async function scoreFile(input: ScoreFileOptions, deps: { sandbox: ReasoningSandbox; logger?: Logger; reporter?: Reporter }): Promise<RunReasoningResult & { published?: PublishedCheck }> {
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
  const generationsSha256 = createHash('sha256').update(readFileSync(opts.generations)).digest('hex');
  const identity = { task: task.name, generationsSha256, scorer: opts.scorer, raw: opts.raw, cot: opts.raw ? opts.cot : null };
  const dir = RunDir.open({ dir: opts.out, kind: 'score', journal: 'scored.json', identity, config: { ...identity, generations: opts.generations } });
  try {
    const judged = await judgeGenerations(task, gens, {
      sandbox: deps.sandbox, dedupe: opts.dedupe, literalFastPath: opts.literalFastPath, fresh: opts.fresh,
      onProgress: (done, total) => deps.reporter?.onProgress?.({ phase: 'score', done, total }),
    });
    const score = scoreJudged(judged, opts.scorer);
    deps.reporter?.onRunEnd?.({ phase: 'score' });
    const filePass1 = read.published.pass_at_1;
    const otherScorer: ScorerVersion = score.scorer === 'v1' ? 'v2' : 'v1';
    const published = filePass1 === undefined ? undefined
      : comparePublished(filePass1, score.passAtK.pass_at_1 ?? Number.NaN, score.scorer, otherScorer, scoreJudged(judged, otherScorer).passAtK.pass_at_1 ?? Number.NaN);
    if (published) deps.logger?.info(`run-reasoning score: ${published.line}`);
    const lengths = Object.values(gens).map((l) => l.length);
    const n = lengths.length && lengths.every((l) => l === lengths[0]) ? lengths[0]! : null;
    deps.logger?.info(`run-reasoning score: ${basename(opts.generations)} ${Object.entries(score.passAtK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')}`);
    // summary.json records the file's own pass@1 and the comparison beside the re-score.
    const write: WriteOut = (name, value) => dir.writeJson(name, name === 'summary.json' && published ? { ...value, published: publishedRecord(published) } : value, 1);
    const out = writeOutputs(task, score, write, {
      model: null, synthetic: read.synthetic, n, temperature: null, cot: opts.raw ? opts.cot : null, rag: null,
      usage: null, sandbox: deps.sandbox,
    });
    return { ...out, ...(published ? { published } : {}) };
  } finally {
    dir.close();
  }
}


function publishedRecord(p: PublishedCheck): Record<string, unknown> {
  return { pass_at_1: p.published, reproduced: p.reproduced, other_scorer: p.other.scorer, other_pass_at_1: p.other.rescored, other_reproduced: p.other.reproduced };
}
