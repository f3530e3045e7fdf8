import { NO_SYNTAX_ERRORS, PASSED_ALL_TESTS } from '../feedback/constants.js';
import type { ChatMessage } from '../models/types.js';

/**
 * What a prompt of this project's templates shows, read back by the offline models: they see
 * exactly what a real model would see, nothing passed beside the messages.
 */
export interface PromptView {
  text: string;
  previousCode?: string;
  reference?: string;
  compilation?: string;
  execution?: string;
  user?: string;
  /**
   * A signature prompt (the original's DSPy layout): the label of the answer field, and whether
   * the prompt ends at the reasoning label (write reasoning, then the label and the answer) or at
   * the answer label (write the answer only).
   */
  signature?: { answerLabel: string; continues: 'reasoning' | 'answer' };
}

type TextKey = Exclude<keyof PromptView, 'signature'>;

const LABELS: Record<string, TextKey> = {
  'Previous code:': 'previousCode',
  'Ground truth code:': 'reference',
  'Compilation feedback:': 'compilation',
  'Execution feedback:': 'execution',
  'User feedback:': 'user',
};

const SIGNATURE_LABELS: Record<string, TextKey> = {
  'Input:': 'text',
  'Previous Code:': 'previousCode',
  'Ground Truth Code:': 'reference',
  'Compilation Feedback:': 'compilation',
  'Execution Feedback:': 'execution',
  'User Feedback:': 'user',
};
const REASONING = "Reasoning: Let's think step by step in order to";
const FORMAT = 'Follow the following format.\n\n';
const PART = '\n\n---\n\n';

/** Sections of the last user message, in either prompt layout. */
export function readPrompt(messages: ChatMessage[]): PromptView {
  const text = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return text.includes(FORMAT) && text.includes(REASONING) ? readSignaturePrompt(text) : readPlainPrompt(text);
}

/** Plain templates: a label alone on its line, then a fenced block or text up to the next label. */
function readPlainPrompt(text: string): PromptView {
  const view: PromptView = { text };
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const key = LABELS[lines[i]!];
    if (!key) { i++; continue; }
    i++;
    if (key === 'previousCode' || key === 'reference') {
      if (!lines[i]?.startsWith('```')) continue;
      const end = lines.indexOf('```', i + 1);
      const stop = end < 0 ? lines.length : end;
      view[key] = lines.slice(i + 1, stop).join('\n');
      i = stop + 1;
      continue;
    }
    const start = i;
    while (i < lines.length && !LABELS[lines[i]!]) i++;
    view[key] = lines.slice(start, i).join('\n').replace(/\n+$/, '');
  }
  return view;
}

/**
 * Signature prompts: the inputs follow the format block, each after its label (on the same line,
 * or from the next line when the value has several), fields separated by a blank line. Code the
 * simulator is shown sits in bare fences, which are removed.
 */
function readSignaturePrompt(text: string): PromptView {
  const view: PromptView = { text };
  const format = text.indexOf(FORMAT);
  const queryAt = text.indexOf(`${PART}Input:`, format);
  const formatBlock = text.slice(format, queryAt < 0 ? undefined : queryAt);
  // The answer's label opens the paragraph after the reasoning's in the format block.
  const afterReasoning = formatBlock.indexOf('\n\n', formatBlock.indexOf(REASONING));
  const answerLabel = /^[^:\n]+:/.exec(formatBlock.slice(afterReasoning + 2))?.[0] ?? 'Code:';
  const query = queryAt < 0 ? '' : text.slice(queryAt + PART.length);
  const lines = query.split('\n');
  const labelOf = (i: number): string | undefined => (i === 0 || lines[i - 1] === '')
    ? [...Object.keys(SIGNATURE_LABELS), REASONING, answerLabel].find((l) => lines[i]!.startsWith(l)) : undefined;
  let cur: { label: string; from: string[] } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const key = SIGNATURE_LABELS[cur.label];
    const value = cur.from.join('\n').replace(/^ /, '').replace(/^\n/, '').replace(/\n+$/, '');
    if (key && key !== 'text') view[key] = key === 'previousCode' || key === 'reference' ? unfence(value) : value;
  };
  lines.forEach((line, i) => {
    const label = labelOf(i);
    if (label) { flush(); cur = { label, from: [line.slice(label.length)] }; } else cur?.from.push(line);
  });
  flush();
  const trimmed = text.trimEnd();
  view.signature = { answerLabel, continues: trimmed.endsWith(answerLabel) ? 'answer' : 'reasoning' };
  return view;
}

function unfence(value: string): string {
  const m = /^```[^\n]*\n([\s\S]*)\n```$/.exec(value);
  return m ? m[1]! : value;
}

/** The compile error a prompt shows (directly, or as a user reporting that Python stops), if any. */
export function showsCompileError(v: PromptView): boolean {
  if (v.compilation !== undefined && v.compilation.trim() !== NO_SYNTAX_ERRORS) return true;
  return /SyntaxError|IndentationError|stops before running/.test(v.user ?? '');
}

/** Failing tests an execution feedback text names (entries start with the name in capitals). */
export function failingTests(v: PromptView): string[] | undefined {
  if (v.execution === undefined || v.execution.trim() === PASSED_ALL_TESTS) return undefined;
  return v.execution.split('\n').filter((l) => /^[A-Z][A-Z0-9_]*$/.test(l.trim()));
}

/** An answer in the prompt's layout: under a signature, the reasoning, then the answer after its label. */
export function inLayout(v: PromptView, reasoning: string, answer: string): string {
  if (!v.signature) return answer;
  if (v.signature.continues === 'answer') return ` ${answer}`;
  return ` ${reasoning}\n\n${v.signature.answerLabel} ${answer}`;
}
