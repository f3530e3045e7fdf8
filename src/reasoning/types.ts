/** Types common to the single-turn code-reasoning benchmarks (CRUXEval, CodeGlance, Case2Code). */
import { z } from 'zod';

export const REASONING_TASKS = [
  'cruxeval-o',
  'cruxeval-i',
  'codeglance-ds1000',
  'codeglance-pannum',
  'codeglance-monkbeat',
  'codeglance-torchdata',
  'case2code',
] as const;

export type ReasoningTaskName = (typeof REASONING_TASKS)[number];
export type TaskFamily = 'cruxeval' | 'codeglance' | 'case2code';
/** What the model predicts: a function output, a function input, or a whole function. */
export type TaskMode = 'output' | 'input' | 'code';
/**
 * v1: a filtered generation (anti-cheat / not a call) counts as False and n stays the same.
 * v2: filtered generations are dropped; when no True remains, the list is all False at full length.
 */
export const SCORER_VERSIONS = ['v1', 'v2'] as const;
export type ScorerVersion = (typeof SCORER_VERSIONS)[number];
/** The scorer option of run-reasoning and its score command: v2 (current upstream) unless asked. */
export const ScorerOptionSchema = z.enum(SCORER_VERSIONS).default('v2');

export interface CruxItem {
  family: 'cruxeval';
  /** `sample_N`, N the line of cruxeval.jsonl. */
  id: string;
  code: string;
  /** Argument list without `f(`, e.g. `[1, 2], 3`. */
  input: string;
  /** Python literal of f(input). */
  output: string;
}

export interface GlanceItem {
  family: 'codeglance';
  /** `sample_N`, N the row of the data file (the key the published generations use). */
  id: string;
  /** The `ID` column of the data file (e.g. `0_1`); the RAG files are keyed by it. */
  sourceId: string;
  code: string;
  /** Setup and an assertion whose right side is `<ground_truth>`. */
  test: string;
  /** Python expression of the expected value. */
  result: string;
  /** Numeric code-feature columns (code_lines, cyclomatic_complexity, ...). */
  features: Record<string, number>;
  /** Retrieved API documentation, for the sets that ship it (when loaded with rag). */
  docs?: RagMatch[];
}

export interface RagResult {
  api_path?: string | null;
  api_name?: string | null;
  api_signature?: string | null;
  api_description?: string | null;
  api_source?: string[] | null;
  api_examples?: string | null;
}

export interface RagMatch {
  query?: string | null;
  results?: RagResult[] | null;
}

export interface Case2CodeCase {
  /** repr of the keyword-argument dict, e.g. `{'num': 1234}`. */
  kwargs: string;
  /** repr of the return value, or `<Type>: <message>` of the exception raised. */
  outcome: string;
  raised: boolean;
}

export interface Case2CodeItem {
  family: 'case2code';
  id: string;
  funcName: string;
  /** Reference implementation. */
  code: string;
  /** Python source defining `examples = [dict(...), ...]`. */
  exampleStr: string;
  /** Expected per-example record: JSON text of the return repr, or `<|EXCEPTION|> ...` text. */
  goldOutputs: string[];
  /** The cases shown to the model. */
  shownCases: Case2CodeCase[];
}

export type ReasoningItem = CruxItem | GlanceItem | Case2CodeItem;

export interface ReasoningTask {
  name: ReasoningTaskName;
  family: TaskFamily;
  mode: TaskMode;
  items: ReasoningItem[];
  byId: Map<string, ReasoningItem>;
  /** pass@k values the task's own evaluation reports. */
  reportKs: number[];
  /** Whether API documentation exists for this task (CodeGlance PanNum / MonkBeat). */
  ragAvailable: boolean;
  /** Whether docs were attached to the items. */
  ragLoaded: boolean;
  /** Data file the items came from. */
  source: string;
  /** Name, commit and records sha256 of the data set, when loaded by name. */
  dataset?: { name: string; revision: string | null; sha256: string };
}

/** id -> list of generations (raw model text or post-processed answers). */
export type GenerationsMap = Record<string, string[]>;
