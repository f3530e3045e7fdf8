import { executionFeedback, type ExecutionFeedback } from '../feedback/execution.js';
import { ANSWER_STOP, codeFromAnswer, type AnswerCode } from '../feedback/extract.js';
import { leakScore } from '../feedback/user.js';
import type { ChatMessage, ChatModel, Generation } from '../models/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import type { Judged } from './judge.js';
import { render, template } from './prompts.js';
import type { ProtocolOptions } from './protocol.js';
import type { TurnRecord, TurnStep } from './record.js';

/** What the simulated user is asked about: the code a turn starts from and the feedback on it. */
export interface UserFeedbackRequest {
  kind: 'novice' | 'expert';
  task: BigCodeBenchTask;
  turn: number;
  code: string;
  compilation: { ok: boolean; text: string };
  /** Present when the setting has execution feedback. */
  execution?: ExecutionFeedback;
}

export interface UserFeedbackReply {
  /** Post-processed feedback for the coder; null when the user said nothing. */
  text: string | null;
  /** The simulator's raw answer (live only). */
  raw?: string;
  /** Simulator calls made (none when replayed from a log). */
  gens: Generation[];
  /** The text came from a recorded log, not from a simulator call. */
  replayed?: boolean;
}

/** Where user feedback comes from: the live simulator or a reference log. */
export interface FeedbackSource {
  userFeedback(req: UserFeedbackRequest): Promise<UserFeedbackReply>;
}

export interface TurnDeps {
  coder: ChatModel;
  source: FeedbackSource;
  /** Judges a code version of this turn (full hidden tests and syntax). */
  judge: (code: string) => Promise<Judged>;
  /** Earlier exchanges, sent first under `history: full` (and extended by this turn). */
  chat: ChatMessage[];
}

export type TurnFeedback = NonNullable<TurnRecord['feedback']>;

export interface TurnOutcome {
  final: Judged;
  steps: TurnStep[];
  coderGens: Generation[];
  userGens: Generation[];
  feedback: TurnFeedback;
  /** The last coder answer and its extracted code, when a call changed the code. */
  answer?: { raw: string; extracted: AnswerCode };
  /** No call changed the code: the version is the one the turn started from. */
  unchanged: boolean;
}

/**
 * One refinement turn by the original's rules. The turn starts from `basis` (the previous
 * version): a compile error is fixed first (not with a novice in the loop, who reports it instead),
 * then execution feedback, then the user, then one refinement; compile fixes and the refinement
 * share `maxCallsPerTurn` coder calls. A call is made only when the feedback shows a problem.
 */
export async function refineTurn(task: BigCodeBenchTask, header: string, turn: number, basis: Judged, o: ProtocolOptions, deps: TurnDeps): Promise<TurnOutcome> {
  const { setting } = o;
  const problem = task.instruct_prompt;
  const out: TurnOutcome = { final: basis, steps: [], coderGens: [], userGens: [], feedback: {}, unchanged: true };
  const ask = async (step: TurnStep, name: string, vars: Record<string, string | undefined>): Promise<void> => {
    const msg: ChatMessage = { role: 'user', content: render(template(name), { problem, ...vars }) };
    const gen = await deps.coder.generate([...deps.chat, msg], { role: 'coder', stop: [ANSWER_STOP] });
    if (o.history === 'full') deps.chat.push(msg, { role: 'assistant', content: gen.text });
    out.coderGens.push(gen);
    out.steps.push(step);
    const extracted = codeFromAnswer(gen.text);
    out.answer = { raw: gen.text, extracted };
    out.unchanged = false;
    // Some profiles keep the cut text of an answer with an empty code block (it then fails to compile).
    const code = extracted.error && o.profile.emptyBlockKeepsText ? extracted.cut ?? '' : extracted.code;
    out.final = await deps.judge(header + code);
  };

  let cur = basis;
  while (out.coderGens.length < o.maxCallsPerTurn) {
    out.feedback.compilation = cur.compile.text;
    if (!cur.compile.ok && setting.user !== 'novice') {
      await ask('compile-fix', 'coder-fix-compile', { previous_code: cur.code, compilation: cur.compile.text });
      cur = out.final;
      continue;
    }
    // Some profiles describe the code the turn started from even after an in-turn fix; a replay may bring the logged text.
    const about = o.profile.execFeedbackOfTurnStart ? basis : cur;
    const execFb = setting.exec === 'none' ? undefined : about.loggedExecution ?? executionFeedback(about.exec, setting.exec, o.profile);
    if (execFb) { out.feedback.execution = execFb.text; out.feedback.executionCoverage = setting.exec as 'partial' | 'full'; }
    const execFailed = !!execFb && !execFb.passed;
    if (setting.user === 'none') {
      if (execFailed) {
        await ask('refine-exec', o.profile.genericExecRefine ? 'coder-refine-exec-generic' : 'coder-refine-exec', { previous_code: cur.code, execution: execFb.text });
      }
      break;
    }
    // A novice speaks only about a problem it can see; the expert always reviews.
    const userCalled = setting.user === 'expert' || (execFb ? execFailed : !cur.compile.ok);
    let user: string | null = null;
    if (userCalled) {
      const reply = await deps.source.userFeedback({ kind: setting.user, task, turn, code: cur.code, compilation: cur.compile, ...(execFb ? { execution: execFb } : {}) });
      out.userGens.push(...reply.gens);
      if (reply.gens.length) out.steps.push('user');
      user = reply.text;
      if (reply.raw !== undefined) out.feedback.userRaw = reply.raw;
      if (user !== null) {
        out.feedback.user = user;
        out.feedback.leakScore = leakScore(user, task.canonical_solution);
        out.feedback.leakFlagged = out.feedback.leakScore > o.leakThreshold;
        if (reply.replayed) out.feedback.replayed = true;
      }
    }
    if (execFailed || setting.user === 'expert' || !cur.compile.ok) {
      await ask('refine-user', 'coder-refine-user', {
        previous_code: cur.code, user: user ?? '', exec_failed: execFailed ? '1' : '', execution: execFb?.text,
      });
    }
    break;
  }
  return out;
}
