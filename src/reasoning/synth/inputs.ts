import type { ChatModel } from '../../models/types.js';
import type { Sandbox } from '../../sandbox/types.js';
import { mapLimit } from '../../util/concurrency.js';
import { OfflineInputWriter, sourceKey, type FunctionFacts } from './offline-writer.js';
import { examplesFromReply, WRITE_TASK, writeInputsPrompt } from './prompt.js';
import { runAnalysis } from './python.js';
import { SYNTH_FORMAT, type InputsRow, type RawRow } from './records.js';
import type { RowSink } from './stage-io.js';

/** Extra attempts when a reply holds no examples (the original retries up to 3 more times). */
const RETRIES = 3;
/** Functions analysed per sandbox request when building the offline writer. */
const ANALYSIS_CHUNK = 200;

/** Builds the offline writer for these rows: their sources are analysed in the sandbox first. */
export async function offlineWriterFor(rows: RawRow[], sandbox: Sandbox, seed = 0): Promise<OfflineInputWriter> {
  const facts = new Map<string, FunctionFacts>();
  for (let i = 0; i < rows.length; i += ANALYSIS_CHUNK) {
    const chunk = rows.slice(i, i + ANALYSIS_CHUNK).map((r) => ({ id: r.id, content: r.content }));
    const got = await runAnalysis<{ id: string; facts: FunctionFacts }[]>(sandbox, 'analyse_many', chunk, 120);
    got.forEach((g, k) => facts.set(sourceKey(chunk[k]!.content), g.facts));
  }
  return new OfflineInputWriter((source) => facts.get(source), seed);
}

/** Asks the model for example inputs of each raw function; rows already in the sink are skipped. */
export async function writeInputs(
  rows: RawRow[],
  model: ChatModel,
  sink: RowSink,
  opts: { concurrency: number; maxTokens?: number; temperature?: number; onRow?: () => void },
): Promise<{ kept: number; dropped: Record<string, number> }> {
  let kept = 0;
  const dropped: Record<string, number> = {};
  await mapLimit(rows, opts.concurrency, async (raw) => {
    const prompt = writeInputsPrompt(raw.content);
    let text = '';
    let tokens = 0;
    let examples = '';
    let attempt = 0;
    for (; attempt <= RETRIES; attempt++) {
      const g = await model.generate([{ role: 'user', content: prompt }], {
        role: 'reasoner', sampleIndex: attempt,
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
        ...(opts.maxTokens ? { maxTokens: opts.maxTokens } : {}),
      });
      text = g.text;
      tokens = g.usage.outputTokens;
      examples = examplesFromReply(text);
      if (examples) break;
    }
    const ok = examples.length > 0;
    const row: InputsRow & { synth_format: number } = {
      prompt, gen_answer_id: raw.id, completions: text, num_gen_tokens: tokens, task: WRITE_TASK, data: raw,
      check_result: ok, retry_time: Math.min(attempt, RETRIES), example_str: examples, synth_format: SYNTH_FORMAT,
    };
    await sink.write(row);
    if (ok) kept++;
    else dropped.no_examples = (dropped.no_examples ?? 0) + 1;
    opts.onRow?.();
  });
  return { kept, dropped };
}
