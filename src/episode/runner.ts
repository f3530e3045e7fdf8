import { executionFeedback } from '../feedback/execution.js';
import { extractCode, importHeader } from '../feedback/extract.js';
import { leakScore, postprocessUserFeedback } from '../feedback/user.js';
import { ModelError, type ChatMessage, type ChatModel, type Generation } from '../models/types.js';
import type { TurnContext } from '../offline/context.js';
import type { ExecResult } from '../sandbox/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { errorMessage } from '../util/errors.js';
import type { ExecCache } from './exec-cache.js';
import { render, template } from './prompts.js';
import { judgeCode, turnResult, usageOf, type Judged } from './judge.js';
import type { EpisodeRecord, TurnRecord } from './record.js';
import type { Setting } from './settings.js';

export interface EpisodeOptions {
  setting: Setting;
  maxTurns: number;
  history: 'none' | 'full';
  compat: boolean;
  syntaxFixes: number;
  timeoutS: number;
  leakThreshold: number;
}

export interface EpisodeDeps {
  coder: ChatModel;
  user?: ChatModel;
  exec: ExecCache;
  onTurn?: (taskId: string, turn: TurnRecord) => void;
}

/** Runs one ConvCodeWorld episode: generation, then up to maxTurns feedback turns until it passes. */
export async function runEpisode(task: BigCodeBenchTask, o: EpisodeOptions, deps: EpisodeDeps): Promise<EpisodeRecord> {
  const rec: EpisodeRecord = {
    task_id: task.task_id, setting: o.setting.name, model: deps.coder.id, user_model: deps.user?.id ?? null,
    synthetic: deps.coder.synthetic || !!deps.user?.synthetic, turns: [], solved_at: null,
  };
  const header = importHeader(task.code_prompt, task.entry_point);
  const reference = task.code_prompt + task.canonical_solution;
  const chat: ChatMessage[] = [{ role: 'system', content: template('coder-system') }];
  const emit = (t: TurnRecord): void => { rec.turns.push(t); deps.onTurn?.(task.task_id, t); };

  const judge = (code: string): Promise<Judged> => judgeCode(deps.exec, task, o.timeoutS, code);

  try {
    // Turn 0: plain generation from the instruct prompt.
    const first: ChatMessage = { role: 'user', content: render(template('coder-initial'), { problem: task.instruct_prompt }) };
    const ctx0: TurnContext = { taskId: task.task_id, turn: 0, step: 'initial' };
    const gen0 = await deps.coder.generate([...chat, first], { role: 'coder', context: ctx0 as unknown as Record<string, unknown> });
    const ex0 = extractCode(gen0.text);
    let cur = await judge(header + ex0.code);
    if (o.history === 'full') chat.push(first, { role: 'assistant', content: gen0.text });
    emit({ ...turnResult(0, cur), raw: gen0.text, fenced: ex0.fenced, usage: { coder: usageOf([gen0]) } });
    // Under compat, execution feedback describes the code before in-turn syntax fixes (the original's quirk).
    let execBasis: ExecResult = cur.exec;

    for (let t = 1; t <= o.maxTurns; t++) {
      if (cur.exec.status === 'pass') {
        emit({ turn: t, code: cur.code, status: 'pass', copied: true });
        continue;
      }
      const execFb = o.setting.exec === 'none' ? undefined : executionFeedback(o.compat ? execBasis : cur.exec, o.setting.exec, o.compat);
      const feedback: NonNullable<TurnRecord['feedback']> = { compilation: cur.compile.text };
      if (execFb) { feedback.execution = execFb.text; feedback.executionCoverage = o.setting.exec as 'partial' | 'full'; }
      const base: TurnContext = {
        taskId: task.task_id, turn: t, step: 'refine', previousCode: cur.code, compilation: cur.compile,
        ...(execFb ? { execution: { ...execFb, coverage: o.setting.exec as 'partial' | 'full' } } : {}),
      };
      const userGens: Generation[] = [];
      if (o.setting.user !== 'none') {
        // A novice has nothing to say when what it can see shows no problem: the code stays as it is.
        const visibleProblem = !cur.compile.ok || (execFb ? !execFb.passed : false);
        if (o.setting.user === 'novice' && !visibleProblem) {
          emit({ ...turnResult(t, cur), unchanged: true, feedback });
          continue;
        }
        const userCtx: TurnContext = { ...base, step: 'user-feedback', user: o.setting.user, ...(o.setting.user === 'expert' ? { reference } : {}) };
        const prompt = render(template(`user-${o.setting.user}`), {
          problem: task.instruct_prompt, previous_code: cur.code, compilation: cur.compile.text, execution: execFb?.text, reference,
        });
        const ug = await deps.user!.generate([{ role: 'user', content: prompt }], { role: 'user', context: userCtx as unknown as Record<string, unknown> });
        userGens.push(ug);
        feedback.userRaw = ug.text;
        feedback.user = postprocessUserFeedback(ug.text, o.setting.user === 'expert');
        feedback.leakScore = leakScore(feedback.user, task.canonical_solution);
        feedback.leakFlagged = feedback.leakScore > o.leakThreshold;
        base.userFeedback = feedback.user;
        base.user = o.setting.user;
      }
      const generic = o.compat && o.setting.user === 'none' && o.setting.exec !== 'none';
      const msg: ChatMessage = {
        role: 'user',
        content: render(template(generic ? 'coder-refine-generic' : 'coder-refine'), {
          problem: task.instruct_prompt, previous_code: cur.code, compilation: feedback.compilation, execution: feedback.execution, user: feedback.user,
        }),
      };
      const coderGens: Generation[] = [];
      const gen = await deps.coder.generate([...chat, msg], { role: 'coder', context: base as unknown as Record<string, unknown> });
      coderGens.push(gen);
      const ex = extractCode(gen.text);
      let next = await judge(header + ex.code);
      execBasis = next.exec;
      let fixes = 0;
      // In-turn syntax fixes (the original allows them when no novice user is in the loop).
      while (!next.compile.ok && o.setting.user !== 'novice' && fixes < o.syntaxFixes) {
        fixes++;
        const fixCtx: TurnContext = { taskId: task.task_id, turn: t, step: 'syntax-fix', previousCode: next.code, compilation: next.compile };
        const fixMsg: ChatMessage = { role: 'user', content: render(template('coder-syntax-fix'), { previous_code: next.code, compilation: next.compile.text }) };
        const fg = await deps.coder.generate([...chat, fixMsg], { role: 'coder', context: fixCtx as unknown as Record<string, unknown> });
        coderGens.push(fg);
        next = await judge(header + extractCode(fg.text).code);
      }
      if (o.history === 'full') chat.push(msg, { role: 'assistant', content: gen.text });
      cur = next;
      emit({
        ...turnResult(t, cur), raw: gen.text, fenced: ex.fenced, feedback, ...(fixes ? { syntaxFixes: fixes } : {}),
        usage: { coder: usageOf(coderGens), ...(userGens.length ? { user: usageOf(userGens) } : {}) },
      });
    }
  } catch (err) {
    // A model that keeps failing ends this episode only; broken infrastructure stops the run.
    if (!(err instanceof ModelError)) throw err;
    rec.error = errorMessage(err);
  }
  const first = rec.turns.findIndex((t) => t.status === 'pass');
  rec.solved_at = first >= 0 ? first : null;
  return rec;
}
