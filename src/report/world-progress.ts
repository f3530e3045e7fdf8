import type { WorldEvent } from '../world/run-world.js';
import { ProgressLine } from './progress.js';

/** Progress-bar sink for run-world events: episodes done, where they were solved, calls so far. */
export function worldProgress(): (e: WorldEvent) => void {
  let bar: ProgressLine | undefined;
  const hist = new Map<string, number>();
  let calls = 0;
  let tokens = 0;
  return (e) => {
    if (e.type === 'start') {
      bar = new ProgressLine('run-world', e.total);
      bar.update(e.resumed);
    } else if (e.type === 'turn') {
      for (const u of [e.turn.usage?.coder, e.turn.usage?.user]) {
        if (u) { calls += u.calls; tokens += u.input_tokens + u.output_tokens; }
      }
    } else if (e.type === 'episode') {
      const k = e.record.solved_at === null ? 'x' : String(e.record.solved_at);
      hist.set(k, (hist.get(k) ?? 0) + 1);
      const h = [...hist.entries()].sort().map(([t, n]) => `t${t}:${n}`).join(' ');
      bar?.update(e.done, `solved ${h}  calls ${calls}  tokens ${tokens}`);
    } else if (e.type === 'end') bar?.finish();
  };
}
