import type { TaskMode } from './types.js';

export const ANSWER_OPEN = '[ANSWER]';
export const ANSWER_CLOSE = '[/ANSWER]';

/** Everything before the first `[/ANSWER]` (what an API stop sequence leaves). */
export function cutAtAnswerEnd(text: string): string {
  const at = text.indexOf(ANSWER_CLOSE);
  return at < 0 ? text : text.slice(0, at);
}

/** Python's `s.split(sep)[i]` for i in {0, 1}, assuming sep occurs in s. */
function splitPart(s: string, sep: string, i: 0 | 1): string {
  const parts = s.split(sep);
  return parts[i] ?? '';
}

/** Characters Python's str.isspace() accepts. */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Python's str.strip() with no argument. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

/**
 * Turns raw model text into the answer that is scored (CRUXEval / CodeGlance rules):
 * - stop at the first `[/ANSWER]`;
 * - CoT: take the text after the first `[ANSWER]` (up to a second one, as Python's split()[1]);
 *   without any `[ANSWER]` the answer is the last line;
 * - output task: with `==`, keep what follows the first `==` (up to a second one);
 * - input task: with `==`, keep what precedes it; with `assert f`, use `f` + the text after it;
 * - strip.
 */
export function postprocessAnswer(raw: string, mode: 'input' | 'output', cot: boolean): string {
  let gen = cutAtAnswerEnd(raw);
  if (cot) {
    if (!gen.includes(ANSWER_OPEN)) {
      const lines = gen.split('\n');
      return pyStrip(lines[lines.length - 1] ?? '');
    }
    gen = pyStrip(splitPart(gen, ANSWER_OPEN, 1));
  }
  if (mode === 'output') {
    if (gen.includes('==')) gen = splitPart(gen, '==', 1);
    return pyStrip(gen);
  }
  if (gen.includes('==')) gen = pyStrip(splitPart(gen, '==', 0));
  if (gen.includes('assert f')) gen = 'f' + pyStrip(splitPart(gen, 'assert f', 1));
  return pyStrip(gen);
}

/**
 * Case2Code: the first ```python block (case-insensitive on the P of Python), else the first ```
 * block, else the whole text; an unterminated block runs to the end. Mirrors the upstream rule,
 * which skips 10 characters after the opening ```python (the fence and one newline).
 */
export function extractCode(text: string): string {
  const t = text.split('```Python').join('```python');
  const fenced = (open: string, skip: number): string | undefined => {
    const at = t.indexOf(open);
    if (at < 0) return undefined;
    const start = at + skip;
    const end = t.indexOf('```', start);
    return pyStrip(t.slice(start, end < 0 ? t.length : end));
  };
  return fenced('```python', 10) ?? fenced('```', 3) ?? pyStrip(t);
}

/** Post-processing for any task mode. */
export function postprocess(raw: string, mode: TaskMode, cot: boolean): string {
  return mode === 'code' ? extractCode(cot ? afterThought(raw) : raw) : postprocessAnswer(raw, mode, cot);
}

/** For Case2Code with CoT: the code after the reasoning, when the model closed a [THOUGHT] block. */
function afterThought(raw: string): string {
  const at = raw.indexOf('[/THOUGHT]');
  return at < 0 ? raw : raw.slice(at + '[/THOUGHT]'.length);
}
