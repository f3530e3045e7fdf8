/** Code taken from a model answer by the ConvCodeWorld rules, and why it may be unusable. */
export interface AnswerCode {
  code: string;
  /** The code came from a closed fenced block (else it is the cut raw text). */
  fenced: boolean;
  /** Set when nothing was left after the cuts (clean: judged as empty code; convcodeworld: the cut text is kept). */
  error?: 'EMPTY_CODE';
}

/** A `---` line between blank lines ends the answer, as the coder's stop sequence does. */
export const ANSWER_STOP = '\n\n---\n\n';

/**
 * The original's extraction: cut at the first `---` line between blank lines and at the first
 * triple newline; then the first closed ```python block, else the first closed bare ``` block,
 * else the cut text; leftover fences are removed. When nothing is left, the original keeps the cut
 * text (which then fails to compile and gets a fix call); `clean` judges empty code instead. Either
 * way the answer is flagged EMPTY_CODE.
 */
export function codeFromAnswer(answer: string, rules: 'convcodeworld' | 'clean' = 'clean'): AnswerCode {
  const cut = answer.split(ANSWER_STOP, 1)[0]!.split('\n\n\n', 1)[0]!;
  const m = /```python[ \n]([\s\S]*?)[ \n]``/.exec(cut) ?? /```[ \n]([\s\S]*?)[ \n]``/.exec(cut);
  const code = (m ? m[1]! : cut).replace(/```/g, '');
  if (rules === 'convcodeworld') return code === '' ? { code: cut, fenced: !!m, error: 'EMPTY_CODE' } : { code, fenced: !!m };
  if (!code.trim()) return { code: '', fenced: !!m, error: 'EMPTY_CODE' };
  return { code, fenced: !!m };
}

/** The task's import header: code_prompt up to `def task_func`, prepended to extracted code. */
export function importHeader(codePrompt: string, entryPoint = 'task_func'): string {
  const i = codePrompt.indexOf(`def ${entryPoint}`);
  return i >= 0 ? codePrompt.slice(0, i) : '';
}
