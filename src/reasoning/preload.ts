import { createSandbox } from '../sandbox-factory/create.js';
import type { JudgeSpec, Sandbox } from '../sandbox/index.js';

/**
 * Modules the warm judge pre-imports for a reasoning task. CRUXEval and Case2Code programs use the
 * standard library, so a small server forks (and its children exit) several times faster than one
 * holding numpy, pandas and scikit-learn; the CodeGlance sets call those libraries and keep the full list.
 */
const STDLIB_PRELOAD = 'json,re,collections,itertools,functools,math,string,heapq,bisect,operator,copy,random,datetime,unittest';

export function judgePreload(task: string): string | undefined {
  return task.startsWith('cruxeval') || task === 'case2code' ? STDLIB_PRELOAD : undefined;
}

/**
 * The sandbox a reasoning task is judged in, as `run-reasoning` builds it: createSandbox with the
 * warm judges' pre-imports for the task (library callers of runReasoning and scoreFile start from here).
 */
export function reasoningSandbox(task: string, spec: JudgeSpec): Sandbox {
  const preload = judgePreload(task);
  return preload === undefined || (spec.kind !== 'docker' && spec.kind !== 'local') ? createSandbox(spec) : createSandbox({ ...spec, preload });
}
