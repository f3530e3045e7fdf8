import { createHash } from 'node:crypto';
import { bump, SYNTH_FORMAT, type ExampleOutput, type ExecutedRow, type FilteredRow } from './records.js';

const IN_RE = /############ <\|EXAMPLE INPUR START\|> ############\n([\s\S]*?)############ <\|EXAMPLE INPUR END\|> ############/;
const OUT_RE = /############ <\|EXAMPLE OUTPUT START\|> ############\n([\s\S]*?)############ <\|EXAMPLE OUTPUT END\|> ############/;

/** Rule names in the order they are applied; the first five are the original's. */
export const FILTER_RULES = [
  'exec_status_false', 'missing_marker', 'input_output_count', 'unparsable_return', 'all_exceptions',
  'too_few_cases', 'duplicate_row',
] as const;
export type FilterRule = (typeof FILTER_RULES)[number];

/** The original's reading of one row's raw output, or the rule that rejects it. */
export function parseRawOutput(row: ExecutedRow): { inputs: string[]; outputs: ExampleOutput[] } | FilterRule {
  if (!row.exec_status) return 'exec_status_false';
  const inm = IN_RE.exec(row.exec_raw_output);
  const outm = OUT_RE.exec(row.exec_raw_output);
  if (!inm || !outm) return 'missing_marker';
  const inputs = inm[1]!.trim().split('<|EX|>').map((s) => s.trim()).filter(Boolean);
  const pieces = outm[1]!.trim().split('<|OUT|>').map((s) => s.trim()).filter(Boolean);
  if (inputs.length === 0 || inputs.length !== pieces.length) return 'input_output_count';
  const outputs: ExampleOutput[] = [];
  for (const p of pieces) {
    if (p.includes('<|EXCEPTION|>')) {
      outputs.push({ error: p });
      continue;
    }
    const parts = p.split('<|RETURN|>');
    if (parts.length !== 2) return 'unparsable_return';
    outputs.push({ return: parts[1]!.trim() });
  }
  if (outputs.every((o) => 'error' in o)) return 'all_exceptions';
  return { inputs, outputs };
}

/** The filter stage: keeps rows that pass every rule and counts the rows each rule dropped. */
export function filterRows(rows: ExecutedRow[], minCases: number): { kept: FilteredRow[]; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {};
  const kept: FilteredRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const parsed = parseRawOutput(row);
    if (typeof parsed === 'string') {
      bump(dropped, parsed);
      continue;
    }
    if (parsed.inputs.length < minCases) {
      bump(dropped, 'too_few_cases');
      continue;
    }
    const key = createHash('sha256').update(JSON.stringify([row.code.trim(), parsed.inputs, parsed.outputs])).digest('hex');
    if (seen.has(key)) {
      bump(dropped, 'duplicate_row');
      continue;
    }
    seen.add(key);
    const { exec_raw_output: _drop, ...rest } = row;
    kept.push({ ...rest, example_inputs: parsed.inputs, example_outputs: parsed.outputs, synth_format: SYNTH_FORMAT } as FilteredRow);
  }
  return { kept, dropped };
}
