import type { EpisodeRecord, TurnRecord } from '../episode/record.js';
import { EpisodeRecordSchema } from '../episode/record-schema.js';
import { StaticEpisodeRecordSchema } from '../replay/record-schema.js';
import type { StaticEpisodeRecord, StaticTurnRecord } from '../replay/types.js';
import { FORMAT_VERSION, versionField } from '../run/format.js';
import { UserError } from '../util/errors.js';
import { zodCheck } from './journal.js';

/** One turn as the report shows it: the code it refined, the feedback, the code it produced. */
export interface ViewTurn {
  turn: number;
  code: string;
  status: string;
  tests?: Record<string, 'pass' | 'fail'>;
  copied?: boolean;
  unchanged?: boolean;
  feedback?: { compilation?: string; execution?: string; user?: string; replayed?: boolean; leakScore?: number; leakFlagged?: boolean };
  /** Tokens of this turn's calls per role (input, output), when recorded. */
  tokens?: { coder?: [number, number]; user?: [number, number] };
  /** The code this turn revised (live: the previous turn; static: the reference's turn i-1). */
  input?: { label: string; code: string; status: string; tests?: Record<string, 'pass' | 'fail'> };
}


const STATUS = new Set(['pass', 'fail', 'timeout']);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The fields of an episode record that scores are computed from, checked by hand: the full schema
 * costs twice the JSON parse on a large run, so it runs on a record only when its turns are shown.
 */
export function checkEpisode(v: unknown): string | undefined {
  if (!isObject(v)) return 'Expected object';
  // The usual case checked by hand; the schema only words the refusal.
  const ver = Number.isInteger(v.version) && (v.version as number) <= FORMAT_VERSION ? undefined : versionField.safeParse(v.version);
  if (ver && !ver.success) return `field "version" ${ver.error.issues[0]!.message}`;
  if (typeof v.task_id !== 'string') return 'field "task_id" Expected string';
  if (v.error !== undefined && typeof v.error !== 'string') return 'field "error" Expected string';
  if (!Array.isArray(v.turns)) return 'field "turns" Expected array';
  for (let k = 0; k < v.turns.length; k++) {
    const t: unknown = v.turns[k];
    if (!isObject(t)) return `field "turns.${k}" Expected object`;
    if (!STATUS.has(t.status as string)) return `field "turns.${k}.status" Expected 'pass' | 'fail' | 'timeout'`;
    if (!Number.isInteger(t.turn) || (t.turn as number) < 0) return `field "turns.${k}.turn" Expected a whole number >= 0`;
  }
  if (v.mode === 'static' && (!Array.isArray(v.reference_pass) || !v.reference_pass.every((b) => typeof b === 'boolean'))) return 'field "reference_pass" Expected array of booleans';
  return undefined;
}

const fullCheck = zodCheck<EpisodeRecord | StaticEpisodeRecord>((v) => ((v as { mode?: unknown }).mode === 'static' ? StaticEpisodeRecordSchema : EpisodeRecordSchema));

/** A task's turns, built (and the record checked against its full schema) the first time they are read. */
export function lazyTurns<T extends object>(task: T, record: EpisodeRecord | StaticEpisodeRecord, mode: 'live' | 'static', where: string): T & { turns: ViewTurn[] } {
  let turns: ViewTurn[] | undefined;
  return Object.defineProperty(task, 'turns', {
    enumerable: true,
    get: (): ViewTurn[] => {
      if (!turns) {
        const issue = fullCheck(record);
        if (issue) throw new UserError('BAD_RECORD', `${where}: ${issue}`);
        turns = viewTurns(record, mode);
      }
      return turns;
    },
  }) as T & { turns: ViewTurn[] };
}

function viewTurns(r: EpisodeRecord | StaticEpisodeRecord, mode: 'live' | 'static'): ViewTurn[] {
  const turns = r.turns as (TurnRecord | StaticTurnRecord)[];
  return turns.map((t, k) => {
    const v: ViewTurn = { turn: t.turn, code: t.code, status: t.status };
    if (t.tests) v.tests = t.tests;
    if (t.copied) v.copied = true;
    if (t.unchanged) v.unchanged = true;
    if (t.feedback) {
      const f = t.feedback as StaticTurnRecord['feedback'] & object;
      v.feedback = {
        ...(f.compilation !== undefined ? { compilation: f.compilation } : {}),
        ...(f.execution !== undefined ? { execution: f.execution } : {}),
        ...(f.user !== undefined ? { user: f.user } : {}),
        ...(f.replayed ? { replayed: true } : {}),
        ...(typeof f.leakScore === 'number' ? { leakScore: f.leakScore } : {}),
        ...(f.leakFlagged ? { leakFlagged: true } : {}),
      };
    }
    const u = t.usage;
    if (u?.coder || u?.user) {
      v.tokens = {
        ...(u.coder ? { coder: [u.coder.input_tokens, u.coder.output_tokens] as [number, number] } : {}),
        ...(u.user ? { user: [u.user.input_tokens, u.user.output_tokens] as [number, number] } : {}),
      };
    }
    const si = (t as StaticTurnRecord).input;
    if (mode === 'static' && si) {
      v.input = { label: `reference turn ${si.turn}`, code: si.code, status: si.status, ...(si.tests ? { tests: si.tests } : {}) };
    } else if (mode === 'live' && k > 0) {
      const p = turns[k - 1]!;
      v.input = { label: `turn ${p.turn}`, code: p.code, status: p.status, ...(p.tests ? { tests: p.tests } : {}) };
    }
    return v;
  });
}
