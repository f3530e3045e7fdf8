import { NO_SYNTAX_ERRORS } from '../feedback/constants.js';
import { partialTestNames, type ExecFeedbackRules, type ExecutionFeedback } from '../feedback/execution.js';
import type { Generation } from '../models/types.js';
import { calibratedSolution } from '../sandbox/program.js';
import type { ExecResult } from '../sandbox/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import type { ExecCache } from './exec-cache.js';
import type { TurnRoleUsage, TurnRecord } from './record.js';

/** A code version with its full-test result and compilation feedback. */
export interface Judged {
  code: string;
  exec: ExecResult;
  compile: { ok: boolean; text: string };
  /** Execution feedback recorded for this version elsewhere (a replay reads it from the reference log); used instead of recomputing it. */
  loggedExecution?: ExecutionFeedback;
}

/**
 * Judges one code version against the full hidden tests (calibrated or as it is) and checks its
 * syntax, both through the cache.
 */
export async function judgeCode(exec: ExecCache, task: BigCodeBenchTask, timeoutS: number, code: string, calibrate = true): Promise<Judged> {
  const program = calibrate ? calibratedSolution(task.code_prompt, code) : code;
  const [result, syn] = await Promise.all([exec.unittest(program, task.test, timeoutS), exec.syntax(code)]);
  return { code, exec: result, compile: syn.ok ? { ok: true, text: NO_SYNTAX_ERRORS } : { ok: false, text: syn.error ?? 'SyntaxError' } };
}

/** Per-test outcome of the full suite: method -> pass | fail, plus ALL for module errors. */
export function testsOf(exec: ExecResult): Record<string, 'pass' | 'fail'> {
  const tests: Record<string, 'pass' | 'fail'> = {};
  for (const name of exec.tests) tests[name] = exec.details[name] ? 'fail' : 'pass';
  if (exec.details.ALL) tests.ALL = 'fail';
  return tests;
}

/** The per-turn fields every episode record carries for a judged version. */
export function turnResult(turn: number, j: Judged, partialRule: ExecFeedbackRules['partialTests']): TurnRecord {
  return {
    turn, code: j.code, status: j.exec.status, compilation: j.compile, tests: testsOf(j.exec),
    partialTests: partialTestNames(j.exec, partialRule), details: j.exec.details, durationMs: Math.round(j.exec.durationMs),
  };
}

export function usageOf(gens: Generation[]): TurnRoleUsage {
  return {
    calls: gens.length,
    input_tokens: gens.reduce((s, g) => s + g.usage.inputTokens, 0),
    output_tokens: gens.reduce((s, g) => s + g.usage.outputTokens, 0),
    cached_calls: gens.filter((g) => g.cached).length,
    latency_ms: Math.round(gens.reduce((s, g) => s + g.latencyMs, 0)),
    ...servedOf(gens),
  };
}

function servedOf(gens: Generation[]): { served?: string[] } {
  const served = [...new Set(gens.flatMap((g) => (g.servedModel ? [g.servedModel] : [])))];
  return served.length ? { served } : {};
}
