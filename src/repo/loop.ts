import { ModelError, type ChatMessage, type ChatModel } from '../models/types.js';
import type { ModelParams } from '../models/spec.js';
import { errorMessage } from '../util/errors.js';
import { defName, lastPythonBlock, formatProblem, methodText, normalizeMethod, referenceOf, replacementFor, type RepoBenchmark } from './candidate.js';
import type { RepoExecCache } from './exec-cache.js';
import { REPO_RESULT_VERSION, type RepoItem, type RepoTurn } from './metrics.js';
import { parseTestOutput } from './parse.js';
import { feedbackMessage, firstMessages, type PromptOptions } from './prompts.js';
import type { RepoTask } from './record.js';
import { chrF, commonPrefixRatio } from './similarity.js';

export interface LoopOptions extends PromptOptions {
  benchmark: RepoBenchmark;
  maxIter: number;
  maxNumTests: number;
  timeoutS: number;
  modelArgs: ModelParams;
}

/**
 * Calls the model; while the prompt overflows its context window, drops the oldest answer and its
 * feedback (the pair right after the task statement) and calls again, as the original does. With
 * nothing left to drop, the overflow is the item's generation error.
 */
async function generateFitting(model: ChatModel, messages: ChatMessage[], keep: number, o: LoopOptions): Promise<string> {
  for (;;) {
    try {
      return (await model.generate(messages, { role: 'coder', temperature: o.modelArgs.temperature, maxTokens: o.modelArgs.maxTokens })).text;
    } catch (err) {
      if (!(err instanceof ModelError && err.code === 'CONTEXT_LENGTH') || messages.length < keep + 2) throw err;
      messages.splice(keep, 2);
    }
  }
}

/**
 * One item: method generation runs up to maxIter turns, each failed turn answered with the tail of
 * the test output and the task restated; completion and repair run one turn.
 */
export async function runItem(task: RepoTask, o: LoopOptions, deps: { model: ChatModel; exec: RepoExecCache; onTurn?: (t: RepoTurn) => void }): Promise<RepoItem> {
  const bench = o.benchmark;
  const turnsAllowed = bench === 'method_gen_multiturn' ? o.maxIter : 1;
  const messages: ChatMessage[] = firstMessages(task, bench, o);
  const firstCount = messages.length;
  const turns: RepoTurn[] = [];
  let code = '';
  let stop: RepoItem['stop_reason'] = 'max_turns_reached';
  let error: string | undefined;
  for (let turn = 1; turn <= turnsAllowed; turn++) {
    let text: string;
    try {
      text = await generateFitting(deps.model, messages, firstCount, o);
    } catch (err) {
      stop = 'generation_error';
      error = errorMessage(err);
      break;
    }
    code = lastPythonBlock(text);
    const problem = formatProblem(code, bench, task.method.name);
    let rec: RepoTurn;
    let output: string;
    if (problem) {
      rec = { turn, status: 'NOT_RUN', pct: 0, ran: 0, failures: 0, errors: 0, timed_out: false, code, cached: false };
      output = problem;
    } else {
      try {
        const j = await deps.exec.judge({ replace: replacementFor(task, methodText(task, bench, code)), labels: task.tests.full_paths.slice(0, o.maxNumTests), timeoutS: o.timeoutS });
        const s = parseTestOutput(j.output);
        rec = { turn, status: s.ok && !j.timedOut ? 'OK' : 'FAILED', pct: j.timedOut ? 0 : s.pct, ran: s.ran, failures: s.failures, errors: s.errors, timed_out: j.timedOut, code, cached: j.cached, ...(j.cached ? {} : { judge_ms: j.wallMs }) };
        output = j.timedOut ? `${j.output}\nTimed out after ${o.timeoutS} s.` : j.output;
      } catch (err) {
        turns.push({ turn, status: 'CRUSHED', pct: 0, ran: 0, failures: 0, errors: 0, timed_out: false, code, cached: false });
        stop = 'CRUSHED';
        error = errorMessage(err);
        break;
      }
    }
    turns.push(rec);
    deps.onTurn?.(rec);
    if (rec.status === 'OK') { stop = 'passed_tests'; break; }
    if (turn >= turnsAllowed) break;
    messages.push({ role: 'assistant', content: text }, { role: 'user', content: feedbackMessage(task, bench, o, output) });
  }
  const ref = referenceOf(task, bench);
  const hyp = bench === 'completion' ? code : normalizeMethod(code, task.method.declaration);
  const refN = bench === 'completion' ? ref : normalizeMethod(ref, task.method.declaration);
  return {
    format: 'repo-result', version: REPO_RESULT_VERSION, idx: task.idx, dp_id: task.dp_id, benchmark: bench, model: deps.model.id,
    turns, stop_reason: stop, final_code: code,
    chrf: Math.round(chrF(hyp, refN) * 100) / 100, common_prefix_ratio: Math.round(commonPrefixRatio(hyp, refN) * 1e4) / 1e4,
    ...(bench === 'program_repair' ? { match_method_name: defName(code) === task.method.name } : {}),
    ...(error ? { error } : {}),
  };
}
