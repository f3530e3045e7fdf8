import { ProgressLine } from './progress.js';
import type { Reporter } from './reporter.js';

/**
 * A reporter that draws one progress line per phase, labelled `<command> <phase>` (just the command
 * when the phase is the command's name); `note` adds text after the counts of each finished item.
 */
export function progressReporter<R = unknown, T = unknown, S = unknown>(command: string, note?: (record: R) => string): Reporter<R, T, S> {
  let bar: ProgressLine | undefined;
  let current: string | undefined;
  const open = (phase: string, total: number): ProgressLine => {
    if (phase !== current || !bar) {
      bar?.finish();
      bar = new ProgressLine(phase === command ? command : `${command} ${phase}`, total);
      current = phase;
    }
    return bar;
  };
  return {
    onRunStart: (e) => { current = undefined; open(e.phase, e.total).update(e.resumed); },
    onProgress: (e) => open(e.phase, e.total).update(e.done, e.note),
    onItemEnd: (e) => open(e.phase, e.total).update(e.done, note?.(e.record)),
    onRunEnd: (e) => { if (e.phase === current) { bar?.finish(); bar = undefined; current = undefined; } },
  };
}
