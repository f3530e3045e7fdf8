import type { ExecCache } from '../episode/exec-cache.js';
import { testsOf } from '../episode/judge.js';
import type { ProtocolOptions } from '../episode/protocol.js';
import { runEpisode, type EpisodeSource } from '../episode/runner.js';
import type { Turn0Source } from '../episode/turn0.js';
import { PASSED_ALL_TESTS } from '../feedback/constants.js';
import { executionFeedback } from '../feedback/execution.js';
import type { ChatModel } from '../models/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import type { ReferenceTask, ReferenceTurn, StaticEpisodeRecord } from './types.js';

/** The reference's version k; a version after the last logged one repeats it when that one passed. */
export function refVersion(rt: ReferenceTask, k: number): ReferenceTurn | undefined {
  const at = rt.turns.find((t) => t.turn === k);
  if (at) return at;
  const last = rt.turns[rt.turns.length - 1];
  return last && last.turn < k && last.passed ? last : undefined;
}

/**
 * A replay: turn i starts from the reference's version i-1 (copied when its logged label passed),
 * with compilation feedback recomputed from that code, execution feedback read from the log or
 * recomputed as the protocol says, and the user feedback read from the log. No simulator is called.
 */
export function replaySource(task: BigCodeBenchTask, rt: ReferenceTask, o: ProtocolOptions): EpisodeSource {
  let logged: ReferenceTurn | undefined;
  return {
    async basis(turn, _own, judgePrev) {
      const prev = refVersion(rt, turn - 1);
      if (!prev) throw new Error(`reference log has no version ${turn - 1} for ${task.task_id}${rt.error ? ` (reference episode error: ${rt.error})` : ''}`);
      logged = prev;
      if (prev.passed) {
        return { kind: 'copy', code: prev.code, extra: { input: { from: 'reference', turn: turn - 1, code: prev.code, status: 'pass', logged_passed: true } } };
      }
      const judged = { ...(await judgePrev(prev.code)) };
      const drift: string[] = [];
      const execFb = o.setting.exec === 'none' ? undefined : executionFeedback(judged.exec, o.setting.exec, o.profile);
      // The protocol may take the execution feedback from the log (re-running drifts with the environment).
      if (execFb && o.profile.replayExecFromLog && prev.execution_feedback !== undefined) {
        judged.loggedExecution = { passed: prev.execution_feedback === PASSED_ALL_TESTS, failing: [], text: prev.execution_feedback };
      }
      if (prev.compilation_feedback !== undefined && prev.compilation_feedback.trim() !== judged.compile.text.trim()) drift.push('compilation');
      if (execFb && prev.execution_feedback !== undefined && prev.execution_feedback.trim() !== execFb.text.trim()) drift.push('execution');
      const compared = prev.compilation_feedback !== undefined || (!!execFb && prev.execution_feedback !== undefined);
      return {
        kind: 'judge', code: prev.code, judged,
        extra: {
          input: { from: 'reference', turn: turn - 1, code: prev.code, status: judged.exec.status, logged_passed: prev.passed, tests: testsOf(judged.exec) },
          ...(compared ? { feedback: { drift } } : {}),
        },
      };
    },
    async userFeedback() {
      const text = logged?.user_feedback;
      return { text: text === undefined || text === null || text === '' ? null : text, gens: [], replayed: true };
    },
  };
}

/** One static episode of a target model on a reference task, through the one turn loop. */
export function benchEpisode(
  task: BigCodeBenchTask, rt: ReferenceTask, o: ProtocolOptions, referenceModel: string,
  deps: { coder: ChatModel; exec: ExecCache; turn0: Turn0Source },
): Promise<StaticEpisodeRecord> {
  const refPass: boolean[] = [];
  for (let k = 0; k < o.maxTurns; k++) refPass.push(refVersion(rt, k)?.passed === true);
  const rec: StaticEpisodeRecord = {
    task_id: task.task_id, setting: o.setting.name, model: deps.coder.id, user_model: null, synthetic: deps.coder.synthetic,
    mode: 'static', reference_model: referenceModel, reference_pass: refPass, turns: [], solved_at: null,
  };
  return runEpisode(task, o, { ...deps, source: replaySource(task, rt, o) }, rec) as Promise<StaticEpisodeRecord>;
}
