import type { EpisodeRecord, TurnRecord } from '../episode/record.js';
import type { WorldSummary } from './summary.js';
import { progressReporter } from '../report/progress-reporter.js';
import type { Reporter } from '../report/reporter.js';

/** Progress line for run-world: episodes done, where they were solved, calls and tokens so far. */
export function worldProgress(): Reporter<EpisodeRecord, TurnRecord, WorldSummary> {
  const hist = new Map<string, number>();
  let calls = 0;
  let tokens = 0;
  const line = progressReporter<EpisodeRecord, TurnRecord, WorldSummary>('run-world', (rec) => {
    const k = rec.solved_at === null ? 'x' : String(rec.solved_at);
    hist.set(k, (hist.get(k) ?? 0) + 1);
    const h = [...hist.entries()].sort().map(([t, n]) => `t${t}:${n}`).join(' ');
    return `solved ${h}  calls ${calls}  tokens ${tokens}`;
  });
  return {
    ...line,
    onTurn: (e) => {
      for (const u of [e.turn.usage?.coder, e.turn.usage?.user]) {
        if (u) { calls += u.calls; tokens += u.input_tokens + u.output_tokens; }
      }
    },
  };
}
