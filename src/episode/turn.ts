import { executionFeedback, truncateFeedback, type ExecutionFeedback } from '../feedback/execution.js';
import { ANSWER_STOP, codeFromAnswer, type AnswerCode } from '../feedback/extract.js';
import { leakScore } from '../feedback/user.js';
import { isContextLengthError, type ChatMessage, type ChatModel, type Generation } from '../models/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import type { Judged } from './judge.js';
import { promptStyle, render, template, type PromptStyle } from './prompts.js';
import type { ProtocolOptions } from './protocol.js';
import type { TurnRecord, TurnStep } from './record.js';
import { predict, signature } from './signature.js';

/** What the simulated user is asked about: the code a turn starts from and the feedback on it. */
export interface UserFeedbackRequest {
  kind: 'novice' | 'expert';
  task: BigCodeBenchTask;
  turn: number;
  code: string;
  compilation: { ok: boolean; text: string };
  /** Present when the setting has execution feedback. */
  execution?: ExecutionFeedback;
  /** How the simulator's prompt is written (default plain). */
  style?: PromptStyle;
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
  /** A prompt of this turn could not fit the model's context even with the shortest feedback: the version stays as it was. */
  modelFailure?: 'CONTEXT_LENGTH';
}

/**
 * The original's answer to a prompt over the context window (only its user-feedback refinement had
 * it; we apply it to every call that shows execution feedback): cut the execution feedback with a
 * 2000-character head and 4000-character tail, then take 1000 from the longer side, down to 0 and 0.
 */
export function* retrimSchedule(): Generator<{ front: number; rear: number }> {
  let front = 2000;
  let rear = 4000;
  for (;;) {
    yield { front, rear };
    if (front > rear) front -= 1000;
    else rear -= 1000;
    if (front < 0 || rear < 0) return;
  }
}

const OVERFLOW = Symbol('overflow');

/**
 * One refinement turn by the original's rules. The turn starts from `basis` (the previous
 * version): a compile error is fixed first (not with a novice in the loop, who reports it instead),
 * then execution feedback, then the user, then one refinement; compile fixes and the refinement
 * share `maxCallsPerTurn` coder calls. A call is made only when the feedback shows a problem.
 * A prompt over the model's context is retried with shorter execution feedback; one that cannot
 * fit ends the turn with the version unchanged and `modelFailure` set (the episode goes on).
 */
export async function refineTurn(task: BigCodeBenchTask, header: string, turn: number, basis: Judged, o: ProtocolOptions, deps: TurnDeps): Promise<TurnOutcome> {
  const { setting } = o;
  const style = promptStyle(o);
  const problem = task.instruct_prompt;
  const out: TurnOutcome = { final: basis, steps: [], coderGens: [], userGens: [], feedback: {}, unchanged: true };
  let coderCalls = 0;

  /** Plain template vars and signature values of one coder call. */
  interface Ask { plain: string; sig: string; vars: Record<string, string | undefined>; values: Record<string, string | null | undefined> }
  const ask = async (step: TurnStep, a: Ask): Promise<void> => {
    let msg: ChatMessage;
    let raw: string;
    let answer: string;
    if (style === 'signature') {
      const p = await predict(deps.coder, signature(a.sig, a.values), a.values, { role: 'coder', stop: [ANSWER_STOP] }, deps.chat);
      out.coderGens.push(...p.gens);
      msg = p.message;
      raw = p.completions.join('\n');
      answer = p.answer;
    } else {
      msg = { role: 'user', content: render(template(a.plain), { problem, ...a.vars }) };
      const gen = await deps.coder.generate([...deps.chat, msg], { role: 'coder', stop: [ANSWER_STOP] });
      out.coderGens.push(gen);
      raw = answer = gen.text;
    }
    coderCalls++;
    if (o.history === 'full') deps.chat.push(msg, { role: 'assistant', content: raw });
    out.steps.push(step);
    // Some profiles keep the cut text of an answer with an empty code block (it then fails to compile).
    const extracted = codeFromAnswer(answer, o.profile.emptyBlockKeepsText ? 'convcodeworld' : 'clean');
    out.answer = { raw, extracted };
    out.unchanged = false;
    out.final = await deps.judge(header + extracted.code);
  };

  /** Runs `call` with the execution text, shortening it on each context overflow; OVERFLOW when nothing fits. */
  let exec: ExecutionFeedback | undefined;
  let execText: string | undefined;
  let schedule: Generator<{ front: number; rear: number }> | undefined;
  const fitting = async (call: () => Promise<void>): Promise<void | typeof OVERFLOW> => {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!isContextLengthError(err)) throw err;
        const next = exec?.untrimmed !== undefined ? (schedule ??= retrimSchedule()).next() : undefined;
        if (!next || next.done) return OVERFLOW;
        execText = truncateFeedback(exec!.untrimmed!, undefined, next.value);
        out.feedback.execution = execText;
      }
    }
  };
  const overflowed = (): TurnOutcome => ({ ...out, modelFailure: 'CONTEXT_LENGTH' });

  let cur = basis;
  while (coderCalls < o.maxCallsPerTurn) {
    out.feedback.compilation = cur.compile.text;
    if (!cur.compile.ok && setting.user !== 'novice') {
      const code = cur.code;
      const r = await fitting(() => ask('compile-fix', {
        plain: 'coder-fix-compile', vars: { previous_code: code, compilation: cur.compile.text },
        sig: 'coder-fix-compile', values: { input: problem, previous_code: code, compilation_feedback: cur.compile.text },
      }));
      if (r === OVERFLOW) return overflowed();
      cur = out.final;
      continue;
    }
    // Some profiles describe the code the turn started from even after an in-turn fix; a replay may bring the logged text.
    const about = o.profile.execFeedbackOfTurnStart ? basis : cur;
    exec = setting.exec === 'none' ? undefined : about.loggedExecution ?? executionFeedback(about.exec, setting.exec, o.profile);
    execText = exec?.text;
    schedule = undefined;
    if (exec) { out.feedback.execution = exec.text; out.feedback.executionCoverage = setting.exec as 'partial' | 'full'; }
    const execFailed = !!exec && !exec.passed;
    const code = cur.code;
    if (setting.user === 'none') {
      if (execFailed) {
        const r = await fitting(() => ask('refine-exec', {
          plain: o.profile.genericExecRefine ? 'coder-refine-exec-generic' : 'coder-refine-exec', vars: { previous_code: code, execution: execText },
          sig: 'coder-refine-exec-generic', values: { input: problem, previous_code: code, execution_feedback: execText },
        }));
        if (r === OVERFLOW) return overflowed();
      }
      break;
    }
    // A novice speaks only about a problem it can see; the expert always reviews.
    const userCalled = setting.user === 'expert' || (exec ? execFailed : !cur.compile.ok);
    let user: string | null = null;
    if (userCalled) {
      const kind = setting.user;
      const compilation = cur.compile;
      const r = await fitting(async () => {
        const shown = exec ? { ...exec, text: execText! } : undefined;
        const reply = await deps.source.userFeedback({ kind, task, turn, code, compilation, style, ...(shown ? { execution: shown } : {}) });
        out.userGens.push(...reply.gens);
        if (reply.gens.length) out.steps.push('user');
        user = reply.text;
        if (reply.raw !== undefined) out.feedback.userRaw = reply.raw;
        if (reply.text !== null) {
          out.feedback.user = reply.text;
          out.feedback.leakScore = leakScore(reply.text, task.canonical_solution);
          out.feedback.leakFlagged = out.feedback.leakScore > o.leakThreshold;
          if (reply.replayed) out.feedback.replayed = true;
        }
      });
      if (r === OVERFLOW) return overflowed();
    }
    if (execFailed || setting.user === 'expert' || !cur.compile.ok) {
      const said: string | null = user;
      const r = await fitting(() => ask('refine-user', {
        plain: 'coder-refine-user', vars: { previous_code: code, user: said ?? '', exec_failed: execFailed ? '1' : '', execution: execText },
        sig: 'coder-refine-user', values: { input: problem, previous_code: code, execution_feedback: execFailed ? execText : undefined, user_feedback: said },
      }));
      if (r === OVERFLOW) return overflowed();
    }
    break;
  }
  return out;
}
