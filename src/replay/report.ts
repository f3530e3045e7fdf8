import { pct } from '../metrics/live.js';
import { comparabilityLine } from '../world/comparability.js';
import type { BenchResult } from './bench.js';

/** The MRR / recall table printed at the end of run-bench (x100, one decimal, as the paper). */
export function benchTable(r: BenchResult): string {
  const first = r.runs[0]?.summary;
  const synth = r.runs.some((x) => x.summary.synthetic) ? '  [synthetic: offline model or reference, not a real LLM]' : '';
  const lines = [
    comparabilityLine(first?.comparability),
    `static (ConvCodeBench) model ${first?.model ?? '-'}  reference ${r.reference.model}  tasks ${first?.n_tasks ?? 0} scored  errors ${first?.n_errors ?? 0}  compensate_init ${String(first?.compensate_init ?? true)}${synth}`,
    '',
    `${'setting'.padEnd(16)} ${'MRR'.padStart(6)} ${'Recall'.padStart(7)}   pass@1 by turn (0..${first?.max_turns ?? 0})`,
  ];
  for (const run of r.runs) {
    const s = run.summary;
    lines.push(s.n_tasks === 0
      ? `${s.setting.padEnd(16)} ${'n/a'.padStart(6)} ${'n/a'.padStart(7)}   (no completed episode; ${s.n_errors} errored)`
      : `${s.setting.padEnd(16)} ${pct(s.mrr).padStart(6)} ${pct(s.recall).padStart(7)}   ${s.pass_at_1_by_turn.map(pct).join(' ')}`);
  }
  const coder = r.runs.reduce((a, x) => ({ calls: a.calls + x.summary.usage.coder.calls, i: a.i + x.summary.usage.coder.input_tokens, o: a.o + x.summary.usage.coder.output_tokens }), { calls: 0, i: 0, o: 0 });
  lines.push('', `calls  coder ${coder.calls} (${coder.i} in / ${coder.o} out tokens)  user 0 (feedback replayed from the reference log)`);
  return lines.join('\n') + '\n';
}
