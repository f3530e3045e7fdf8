import type { Command } from 'commander';
import { addFlags, flagValues } from './flags.js';
import { addSandboxOptions, sandboxFromCli, type SandboxCliOptions } from './sandbox-options.js';
import { parseOptions } from '../config/options.js';
import { progressReporter } from '../report/progress-reporter.js';
import { UserError } from '../util/errors.js';
import { judgePreload } from '../reasoning/preload.js';
import { runSynth, SYNTH_FLAGS, SynthOptionsSchema, type SynthStats } from '../reasoning/synth/pipeline.js';
import { EXEC_LIMITS_FLAGS, ExecLimitsSchema, STAGES, type Stage } from '../reasoning/synth/records.js';

type SynthCliOpts = SandboxCliOptions & Record<string, unknown> & { quiet?: boolean };

const fmt = (m: Record<string, number> | undefined): string =>
  Object.entries(m ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';

/** One line per stage run: rows in, kept, keep rate, dropped per reason, time. */
export function formatSynthStats(s: SynthStats, ran: readonly Stage[]): string {
  const lines: string[] = [];
  if (s.source && ran.includes('inputs')) {
    lines.push(`source  ${s.source.files} files, ${s.source.functions} functions taken; not taken: ${fmt(s.source.rejected)}`);
  }
  for (const st of ran) {
    const c = s.stages[st];
    if (!c) continue;
    const rate = c.in ? ((100 * c.kept) / c.in).toFixed(1) : '0.0';
    lines.push(`${st.padEnd(8)}in ${c.in}  kept ${c.kept} (${rate}%)  ${c.seconds}s${c.resumed ? `  (${c.resumed} resumed)` : ''}  dropped: ${fmt(c.dropped)}`);
    if (c.droppedInputs) lines.push(`${''.padEnd(8)}inputs dropped: ${fmt(c.droppedInputs)}`);
  }
  return lines.join('\n') + '\n';
}

/** Adds `run-reasoning synth` (the Case2Code data synthesis pipeline) to the command tree. */
export function addSynthCommand(program: Command): void {
  const cmd = program
    .command('synth')
    .description('Case2Code data synthesis: model-written inputs -> sandbox execution -> filter -> training (or --for-eval test) samples');
  addFlags(cmd, SynthOptionsSchema, SYNTH_FLAGS);
  addFlags(cmd, ExecLimitsSchema, EXEC_LIMITS_FLAGS);
  cmd.option('--quiet', 'no progress bar');
  addSandboxOptions(cmd).action(async () => {
    const o = cmd.opts<SynthCliOpts>();
    const so = parseOptions(SynthOptionsSchema, { ...flagValues(o, SYNTH_FLAGS), parallel: o.parallel, limits: flagValues(o, EXEC_LIMITS_FLAGS) });
    const ran = so.stage === 'all' ? [...STAGES] : [so.stage];
    if (ran.includes('inputs') && !so.model) throw new UserError('MISSING_OPTION', '--model is required for the inputs stage');
    const sandbox = sandboxFromCli(o, judgePreload('case2code'));
    try {
      const stats = await runSynth(so, { sandbox, ...(o.quiet ? {} : { reporter: progressReporter('synth') }) });
      process.stdout.write(formatSynthStats(stats, ran));
    } finally {
      await sandbox.close();
    }
  });
}
