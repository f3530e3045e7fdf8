import { projectRoot } from '../sandbox/paths.js';
import { existsSync, readFileSync } from 'node:fs';
import { cachedDataset, datasetIdentity, prepareDataset, type DatasetRef, type PrepareOptions } from '../data/prepare.js';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { readJsonl } from '../util/jsonl.js';
import {
  REASONING_TASKS,
  type Case2CodeCase,
  type Case2CodeItem,
  type CruxItem,
  type GlanceItem,
  type RagMatch,
  type ReasoningItem,
  type ReasoningTask,
  type ReasoningTaskName,
  type TaskFamily,
  type TaskMode,
} from './types.js';

export { projectRoot };

interface TaskDef {
  family: TaskFamily;
  mode: TaskMode;
  /** The data set name the task reads by default (see codeconv-data list). */
  dataset: string;
  /** Path relative to a --data-dir directory. */
  file: string;
  rag?: string;
  reportKs: number[];
}

const CODEGLANCE_KS = [1, 3, 5, 10];

const TASK_DEFS: Record<ReasoningTaskName, TaskDef> = {
  'cruxeval-o': { family: 'cruxeval', mode: 'output', dataset: 'cruxeval', file: 'cruxeval/cruxeval.jsonl', reportKs: [1, 5] },
  'cruxeval-i': { family: 'cruxeval', mode: 'input', dataset: 'cruxeval', file: 'cruxeval/cruxeval.jsonl', reportKs: [1, 5] },
  'codeglance-ds1000': { family: 'codeglance', mode: 'output', dataset: 'codeglance:ds1000', file: 'codeglance/DS1000_reasoning.jsonl', reportKs: CODEGLANCE_KS },
  'codeglance-pannum': {
    family: 'codeglance', mode: 'output', dataset: 'codeglance:pannum', file: 'codeglance/PanNumEval_reasoning.jsonl',
    rag: 'codeglance/PanNumEval_RAG.json', reportKs: CODEGLANCE_KS,
  },
  'codeglance-monkbeat': {
    family: 'codeglance', mode: 'output', dataset: 'codeglance:monkbeat', file: 'codeglance/MonkBeatEval_reasoning.jsonl',
    rag: 'codeglance/MonkBeatEval_RAG.json', reportKs: CODEGLANCE_KS,
  },
  'codeglance-torchdata': { family: 'codeglance', mode: 'output', dataset: 'codeglance:torchdata', file: 'codeglance/torchdata_reasoning.jsonl', reportKs: CODEGLANCE_KS },
  case2code: { family: 'case2code', mode: 'code', dataset: 'case2code', file: 'case2code/test.jsonl', reportKs: [1] },
};

export function isReasoningTaskName(name: string): name is ReasoningTaskName {
  return (REASONING_TASKS as readonly string[]).includes(name);
}

/** Validates a task name; an unknown one is a UserError listing the valid names. */
export function checkTaskName(name: string): ReasoningTaskName {
  if (!isReasoningTaskName(name)) {
    throw new UserError('UNKNOWN_TASK', `unknown reasoning task "${name}" (valid: ${REASONING_TASKS.join(', ')})`);
  }
  return name;
}

export function taskFamily(name: ReasoningTaskName): TaskFamily {
  return TASK_DEFS[name].family;
}

export function taskReportKs(name: ReasoningTaskName): number[] {
  return [...TASK_DEFS[name].reportKs];
}

export function taskHasRag(name: ReasoningTaskName): boolean {
  return TASK_DEFS[name].rag !== undefined;
}

/** Data files a task needs (relative to the data directory); `rag` adds the documentation file. */
export function taskDataFiles(name: ReasoningTaskName, rag = false): string[] {
  const def = TASK_DEFS[name];
  return rag && def.rag ? [def.file, def.rag] : [def.file];
}

/** The data set name a task reads (cruxeval, codeglance:<set>, case2code). */
export function taskDatasetName(name: ReasoningTaskName): string {
  return TASK_DEFS[name].dataset;
}

/** Pulls (or finds in the cache) the data set of a task; loadTask then reads it without the network. */
export async function prepareTaskData(name: string, opts: PrepareOptions = {}): Promise<DatasetRef> {
  return prepareDataset(TASK_DEFS[checkTaskName(name)].dataset, opts);
}

export interface LoadTaskOptions {
  /** Directory holding cruxeval/, codeglance/, case2code/ as files; default: the task's data set, by name. */
  dataDir?: string;
  /** Attach the retrieved API documentation (CodeGlance PanNum / MonkBeat only). */
  rag?: boolean;
}

const cache = new Map<string, ReasoningTask>();

/** Loads a task's items (cached per data file and options). */
export function loadTask(name: string, opts: LoadTaskOptions = {}): ReasoningTask {
  const task = checkTaskName(name);
  const def = TASK_DEFS[task];
  if (opts.rag && !def.rag) {
    const withDocs = REASONING_TASKS.filter((t) => TASK_DEFS[t].rag).join(', ');
    throw new UserError('NO_RAG', `task ${task} has no API documentation for --rag (available for: ${withDocs})`);
  }
  let file: string;
  let ragFile: string | undefined;
  let dataset: DatasetRef | undefined;
  if (opts.dataDir) {
    const dataDir = resolve(opts.dataDir);
    file = join(dataDir, def.file);
    if (def.rag) ragFile = join(dataDir, def.rag);
  } else {
    dataset = cachedDataset(def.dataset);
    if (!dataset) throw new UserError('DATA_NOT_PULLED', `data set ${def.dataset} (for ${task}) is not in the cache: run \`codeconv-data pull ${def.dataset}\` (or give --data-dir)`);
    file = dataset.records;
    if (def.rag) ragFile = Object.entries(dataset.files).find(([p]) => p.endsWith(def.rag!.split('/').pop()!))?.[1];
  }
  const key = `${task}\0${file}\0${opts.rag ? 1 : 0}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(file)) throw new UserError('NO_DATA', `${file}: no such file (data for ${task}; set --data-dir)`);
  let items: ReasoningItem[];
  if (def.family === 'cruxeval') items = loadCruxeval(file);
  else if (def.family === 'codeglance') items = loadCodeGlance(file, opts.rag && ragFile ? ragFile : undefined);
  else items = loadCase2Code(file);
  const byId = new Map<string, ReasoningItem>();
  for (const item of items) {
    if (byId.has(item.id)) throw new UserError('BAD_DATA', `${file}: duplicate id ${item.id}`);
    byId.set(item.id, item);
  }
  const loaded: ReasoningTask = {
    name: task, family: def.family, mode: def.mode, items, byId, reportKs: [...def.reportKs],
    ragAvailable: def.rag !== undefined, ragLoaded: !!(opts.rag && def.rag), source: file,
    ...(dataset ? { dataset: datasetIdentity(dataset) } : {}),
  };
  cache.set(key, loaded);
  return loaded;
}

// ----------------------------------------------------------------------------- CRUXEval

const CruxRecord = z.object({ code: z.string(), input: z.string(), output: z.string(), id: z.string() });

function loadCruxeval(file: string): CruxItem[] {
  return readJsonl(file, CruxRecord).map((r) => ({ family: 'cruxeval', id: r.id, code: r.code, input: r.input, output: r.output }));
}

// ----------------------------------------------------------------------------- CodeGlance

const GlanceRecord = z
  .object({ ID: z.union([z.string(), z.number()]), code: z.string(), test: z.string(), result: z.union([z.string(), z.number()]) })
  .passthrough();

function loadCodeGlance(file: string, ragFile?: string): GlanceItem[] {
  const rows = readJsonl(file, GlanceRecord);
  const docs = ragFile ? loadRagDocs(ragFile) : undefined;
  return rows.map((r, i) => {
    const features: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number' && Number.isFinite(v) && k !== 'ID') features[k] = v;
    }
    const item: GlanceItem = {
      family: 'codeglance', id: `sample_${i}`, sourceId: String(r.ID), code: r.code, test: r.test,
      result: String(r.result), features,
    };
    if (docs) item.docs = docs.get(String(r.ID)) ?? [];
    return item;
  });
}

/**
 * Parses JSON that may contain the bare tokens NaN, Infinity and -Infinity (as Python's json module
 * writes them); those become null. Strings are left untouched.
 */
export function parseJsonWithNaN(text: string, file = '<json>'): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    let token: string | undefined;
    if (ch === 'N' && text.startsWith('NaN', i)) token = 'NaN';
    else if (ch === 'I' && text.startsWith('Infinity', i)) token = text[i - 1] === '-' ? '-Infinity' : 'Infinity';
    if (token) {
      const start = token.startsWith('-') ? i - 1 : i;
      out += text.slice(last, start) + 'null';
      i = start + token.length - 1;
      last = i + 1;
    }
  }
  out += text.slice(last);
  try {
    return JSON.parse(out);
  } catch (err) {
    throw new UserError('BAD_JSON', `${file}: malformed JSON (${(err as Error).message})`);
  }
}

const RagFile = z.array(z.object({ ID: z.union([z.string(), z.number()]), matches: z.array(z.any()).nullable().optional() }).passthrough());

/**
 * Reads a CodeGlance RAG file (a JSON array with NaN values) into ID -> matches. An ID listed twice
 * keeps its first entry (both shipped files list ID 27 twice, where 36 is meant, and the second
 * entry fits neither row), so row 36 gets no documentation.
 */
export function loadRagDocs(file: string): Map<string, RagMatch[]> {
  if (!existsSync(file)) throw new UserError('NO_DATA', `${file}: no such file (API documentation for --rag)`);
  const parsed = RagFile.safeParse(parseJsonWithNaN(readFileSync(file, 'utf8'), file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('BAD_DATA', `${file}: ${issue.path.join('.')} ${issue.message}`);
  }
  const map = new Map<string, RagMatch[]>();
  for (const entry of parsed.data) if (!map.has(String(entry.ID))) map.set(String(entry.ID), (entry.matches ?? []) as RagMatch[]);
  return map;
}

// ----------------------------------------------------------------------------- Case2Code

const Case2CodeRecord = z
  .object({
    id: z.string(),
    func_name: z.string(),
    code: z.string(),
    example_str: z.string(),
    example_inputs: z.array(z.string()),
    example_outputs: z.array(z.object({ return: z.string().optional(), error: z.string().optional() }).passthrough()),
    choosed_example_idx: z.array(z.number().int()).optional(),
  })
  .passthrough();

const EXCEPTION_TAG = '<|EXCEPTION|>';

/**
 * The gold record of one example, in the form the scorer compares: the `return` field (JSON text
 * of the repr) or the `error` field (`<|EXCEPTION|> "<class 'T'>: msg"`, possibly preceded by text
 * the function printed before raising).
 */
function goldOf(ex: { return?: string; error?: string }, where: string): string {
  if (typeof ex.return === 'string') return ex.return;
  if (typeof ex.error === 'string') return ex.error;
  throw new UserError('BAD_DATA', `${where}: example output has neither "return" nor "error"`);
}

function decodeJsonString(text: string): string {
  try {
    const v = JSON.parse(text);
    return typeof v === 'string' ? v : text;
  } catch {
    return text;
  }
}

/** Human-readable outcome of a gold record: the repr, or `T: msg` of the exception. */
export function describeGoldOutcome(gold: string): { outcome: string; raised: boolean } {
  const at = gold.indexOf(EXCEPTION_TAG);
  if (at < 0) return { outcome: decodeJsonString(gold), raised: false };
  const text = decodeJsonString(gold.slice(at + EXCEPTION_TAG.length).trim());
  const m = /^<class '([^']+)'>: ?([\s\S]*)$/.exec(text);
  return { outcome: m ? `${m[1]}${m[2] ? `: ${m[2]}` : ''}` : text, raised: true };
}

function loadCase2Code(file: string): Case2CodeItem[] {
  return readJsonl(file, Case2CodeRecord).map((r, line) => {
    const where = `${file}:${line + 1}`;
    const goldOutputs = r.example_outputs.map((ex) => goldOf(ex, where));
    const shown = (r.choosed_example_idx ?? []).filter((i) => i >= 0 && i < r.example_inputs.length && i < goldOutputs.length);
    const shownCases: Case2CodeCase[] = shown.map((i) => ({
      kwargs: decodeJsonString(r.example_inputs[i]!),
      ...describeGoldOutcome(goldOutputs[i]!),
    }));
    return { family: 'case2code', id: r.id, funcName: r.func_name, code: r.code, exampleStr: r.example_str, goldOutputs, shownCases };
  });
}
