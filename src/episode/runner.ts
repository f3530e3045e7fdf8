import { importHeader } from '../feedback/extract.js';
import { ModelError, type ChatMessage, type ChatModel } from '../models/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { errorMessage } from '../util/errors.js';
import type { ExecCache } from './exec-cache.js';
import { judgeCode, turnResult, usageOf, type Judged } from './judge.js';
import { calibrated, type ProtocolOptions } from './protocol.js';
import type { EpisodeRecord, TurnRecord } from './record.js';
import { refineTurn, type FeedbackSource } from './turn.js';
import { firstVersion, type Turn0Source } from './turn0.js';

/** The code a turn starts from: the episode's own last version (live) or a reference's (replay). */
export type Basis =
  /** `judged`: the basis as judged for its own turn, when the source already has it. */
  | { kind: 'judge'; code: string; judged?: Judged; extra?: Partial<TurnRecord> & Record<string, unknown> }
  /** Already solved: the version is carried forward with no call. */
  | { kind: 'copy'; code: string; extra?: Partial<TurnRecord> & Record<string, unknown> };

/** What differs between a live episode and a replay: where each turn starts and who gives user feedback. */
export interface EpisodeSource extends FeedbackSource {
  /** `judgePrev` judges code as a version of turn-1 (its calibration). */
  basis(turn: number, own: Judged, judgePrev: (code: string) => Promise<Judged>): Basis | Promise<Basis>;
}

export interface EpisodeDeps {
  coder: ChatModel;
  exec: ExecCache;
  source: EpisodeSource;
  turn0: Turn0Source;
  onTurn?: (taskId: string, turn: TurnRecord) => void;
}

/** A live source: each turn refines the episode's own previous version; solved code is copied. */
export function ownBasis(turn: number, own: Judged): Basis {
  return own.exec.status === 'pass' ? { kind: 'copy', code: own.code } : { kind: 'judge', code: own.code };
}

/**
 * The one turn loop of live episodes and replays: turn 0, then up to maxTurns refinement turns,
 * each started from the source's basis and run by the protocol's rules (see refineTurn).
 */
export async function runEpisode(task: BigCodeBenchTask, o: ProtocolOptions, deps: EpisodeDeps, rec: EpisodeRecord): Promise<EpisodeRecord> {
  const header = importHeader(task.code_prompt, task.entry_point);
  const chat: ChatMessage[] = [];
  const judgeAt = (turn: number) => (code: string): Promise<Judged> => judgeCode(deps.exec, task, o.timeoutS, code, calibrated(o, turn));
  const emit = (t: TurnRecord): void => { rec.turns.push(t); deps.onTurn?.(task.task_id, t); };

  try {
    const v0 = await firstVersion(task, header, o, { coder: deps.coder, turn0: deps.turn0, chat, judge: judgeAt(0) });
    let own = v0.judged;
    const rule = o.profile.partialTests;
    // Some profiles prepend the import header every turn, also to code no call changed.
    const carried = (code: string): string => (o.profile.headerEveryTurn ? header + code : code);
    emit({ ...turnResult(0, own, rule), ...v0.extra });

    for (let t = 1; t <= o.maxTurns; t++) {
      const basis = await deps.source.basis(t, own, judgeAt(t - 1));
      if (basis.kind === 'copy') {
        emit({ turn: t, code: carried(basis.code), status: 'pass', copied: true, ...basis.extra });
        continue;
      }
      // The basis is judged as the version it was (turn t-1), for its execution feedback.
      const start = basis.judged ?? (basis.code === own.code ? own : await judgeAt(t - 1)(basis.code));
      const r = await refineTurn(task, header, t, start, o, {
        coder: deps.coder, source: deps.source, judge: judgeAt(t), chat,
      });
      // A version carried over unchanged is judged again when its text or its calibration differs.
      const again = r.unchanged && (o.profile.headerEveryTurn || calibrated(o, t) !== calibrated(o, t - 1));
      own = again ? await judgeAt(t)(carried(r.final.code)) : r.final;
      const usage: NonNullable<TurnRecord['usage']> = { coder: usageOf(r.coderGens), ...(r.userGens.length ? { user: usageOf(r.userGens) } : {}) };
      emit({
        ...turnResult(t, own, rule), ...basis.extra, feedback: { ...basis.extra?.feedback, ...r.feedback }, steps: r.steps, usage,
        ...(r.unchanged ? { unchanged: true } : {}), ...(r.modelFailure ? { modelFailure: r.modelFailure } : {}),
        ...(r.answer ? { raw: r.answer.raw, fenced: r.answer.extracted.fenced, ...(r.answer.extracted.error ? { extractError: r.answer.extracted.error } : {}) } : {}),
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
