import { draw } from '../../offline/rng.js';
import { bump, SYNTH_FORMAT, type ExampleOutput, type FilteredRow } from './records.js';
import {
  CASE_HEADERS, EVAL_CASE_STYLE, EVAL_FUNCTION_HEADER, EVAL_INSTRUCTION, FUNCTION_HEADERS, formatCase, INSTRUCTIONS,
  MAX_PROMPT_CHARS, SEPARATORS, targetText, type CaseStyle,
} from './templates.js';

const CASE_STYLES: CaseStyle[] = ['raw-kv', 'raw-values', 'raw-dict', 'call-kw', 'call-pos'];

/** A reproducible random stream for one row (seed, id). */
function rng(seed: number, id: string): () => number {
  let k = 0;
  return () => draw('synth-build', seed, id, k++);
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function shuffle<T>(r: () => number, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function separator(r: () => number): string {
  const total = SEPARATORS.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [sep, w] of SEPARATORS) if ((x -= w) < 0) return sep;
  return '\n';
}

/** How an output is shown: the return text, or the exception text without its marker. */
export function shownOutput(o: ExampleOutput): string {
  return 'return' in o ? o.return : o.error.replace('<|EXCEPTION|>', '').trim();
}

export interface BuildOptions {
  forEval: boolean;
  seed: number;
}

/** The build stage: one sample per row, or the row is counted as dropped. */
export function buildSamples(rows: FilteredRow[], opts: BuildOptions): { samples: Record<string, unknown>[]; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {};
  const samples: Record<string, unknown>[] = [];
  for (const row of rows) {
    const parsed = row.parsed_inputs;
    if (!parsed || parsed.length === 0 || parsed.length !== row.example_outputs.length) {
      bump(dropped, 'unparsed_inputs');
      continue;
    }
    const r = rng(opts.seed, row.gen_answer_id);
    const count = parsed.length;
    const n = count <= 3 ? count : 3 + Math.floor(r() * (count - 2));
    const chosen = shuffle(r, [...parsed.keys()]).slice(0, n);
    const style = opts.forEval ? EVAL_CASE_STYLE : pick(r, CASE_STYLES);
    const cases = chosen.map((i) => formatCase(style, row.func_name, parsed[i]!, shownOutput(row.example_outputs[i]!)));
    const parts: string[] = [];
    parts.push(opts.forEval ? EVAL_INSTRUCTION : pick(r, INSTRUCTIONS));
    if (opts.forEval || r() < 0.8) parts.push((opts.forEval ? EVAL_FUNCTION_HEADER : pick(r, FUNCTION_HEADERS)).replace('{name}', row.func_name));
    const header = !opts.forEval && r() < 0.8 ? `${pick(r, CASE_HEADERS)}\n` : '';
    parts.push(header + cases.join('\n'));
    const prompt = shuffle(r, parts).map((p) => p + separator(r)).join('');
    if (prompt.length > MAX_PROMPT_CHARS) {
      bump(dropped, 'prompt_too_long');
      continue;
    }
    const output = targetText(row.code);
    samples.push(
      opts.forEval
        ? { ...row, id: row.gen_answer_id, exec_code: row.code, parsed_inputs: parsed, prompt, output, choosed_example_idx: chosen, synth_format: SYNTH_FORMAT }
        : { id: row.gen_answer_id, prompt, output, synth_format: SYNTH_FORMAT },
    );
  }
  return { samples, dropped };
}
