import { pct } from '../metrics/live.js';
import { comparabilityLine } from './comparability.js';
import type { WorldSummary } from './summary.js';

/** The MRR / recall table printed at the end of a run (x100, one decimal, as the paper). */
export function worldTable(s: WorldSummary): string {
  const synth = s.synthetic ? '  [synthetic: offline model/simulator, not a real LLM]' : '';
  const lines = [
    comparabilityLine(s.comparability),
    `model ${s.model}  user ${s.user_model ?? '-'}  tasks ${s.n_tasks} scored  errors ${s.n_errors}${s.n_errors ? (s.errored_scored ? ' (scored as unsolved; rerun to retry)' : ' (not scored; rerun to retry)') : ''}${synth}`,
    '',
    `${'setting'.padEnd(16)} ${'MRR'.padStart(6)} ${'Recall'.padStart(7)}   pass@1 by turn (0..${s.max_turns})`,
    // No completed episode: no score at all, which is not a score of 0.
    s.n_tasks === 0
      ? `${s.setting.padEnd(16)} ${'n/a'.padStart(6)} ${'n/a'.padStart(7)}   (no completed episode)`
      : `${s.setting.padEnd(16)} ${pct(s.mrr).padStart(6)} ${pct(s.recall).padStart(7)}   ${s.pass_at_1_by_turn.map(pct).join(' ')}`,
    '',
    `calls  coder ${s.usage.coder.calls} (${s.usage.coder.input_tokens} in / ${s.usage.coder.output_tokens} out tokens)  user ${s.usage.user.calls} (${s.usage.user.input_tokens} in / ${s.usage.user.output_tokens} out)`,
  ];
  return lines.join('\n') + '\n';
}
