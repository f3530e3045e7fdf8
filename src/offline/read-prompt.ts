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
}

const LABELS: Record<string, keyof PromptView> = {
  'Previous code:': 'previousCode',
  'Ground truth code:': 'reference',
  'Compilation feedback:': 'compilation',
  'Execution feedback:': 'execution',
  'User feedback:': 'user',
};

/** Sections of the last user message: a label alone on its line, then a fenced block or text up to the next label. */
export function readPrompt(messages: ChatMessage[]): PromptView {
  const text = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
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
