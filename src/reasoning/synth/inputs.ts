import type { ChatModel } from '../../models/types.js';
import type { Sandbox } from '../../sandbox/types.js';
import { OfflineInputWriter, sourceKey, type FunctionFacts } from './offline-writer.js';
import { examplesFromReply, WRITE_TASK, writeInputsPrompt } from './prompt.js';
import { runAnalysis } from './python.js';
import { SYNTH_FORMAT, type InputsRow, type RawRow } from './records.js';

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

/** Asks the model for example inputs of one raw function: the original's row, retried while the reply holds none. */
export async function writeInputRow(
  raw: RawRow,
  model: ChatModel,
  opts: { maxTokens?: number; temperature?: number },
): Promise<InputsRow & { synth_format: number }> {
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
  return {
    prompt, gen_answer_id: raw.id, completions: text, num_gen_tokens: tokens, task: WRITE_TASK, data: raw,
    check_result: examples.length > 0, retry_time: Math.min(attempt, RETRIES), example_str: examples, synth_format: SYNTH_FORMAT,
  };
}
