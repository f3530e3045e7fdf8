/** The task name the original gives input-writing rows. */
export const WRITE_TASK = 'write_testcase';

/** Marker the original appends to a reply cut off at the token limit. */
export const NONSTOP = '<|NONSTOP|>';

const DEMO_FUNCTION = `def repeat_word(word, times):
    return " ".join([word] * times)`;

const DEMO_ANSWER = `\`\`\`python
examples = [
    dict(word="hi", times=1),
    dict(word="hi", times=3),
    dict(word="", times=2),
    dict(word="go", times=0),
    dict(word="abc", times=2),
    dict(word="x y", times=2),
    dict(word="Test", times=4),
    dict(word="7", times=5),
    dict(word="-", times=10),
    dict(word="end", times=-1),
]
\`\`\``;

/**
 * The user message asking for example inputs (our wording of the original's request: reason about
 * argument types, then ten dicts from argument name to value in one python block).
 */
export function writeInputsPrompt(content: string): string {
  return [
    'Below is a Python function. Work out what type of value each argument takes, then write 10',
    'varied example inputs that exercise it. Each input is a dict from argument name to value;',
    'put them all in one python block in exactly this form:',
    '```python\nexamples = [\n    dict(argname=argvalue, ...),\n    ...\n]\n```',
    '',
    'For example, for this function:',
    '```python\n' + DEMO_FUNCTION + '\n```',
    'an answer is:',
    DEMO_ANSWER,
    '',
    'Now the function:',
    '```python\n' + content.replace(/\s+$/, '') + '\n```',
  ].join('\n');
}

/**
 * The examples text of a reply, as the original reads it: from the first ```python fence to the
 * next fence (or the end); the whole reply when there is no such fence.
 */
export function examplesFromReply(reply: string): string {
  const open = reply.indexOf('```python');
  if (open < 0) return reply.trim();
  const start = open + '```python'.length;
  const close = reply.indexOf('```', start);
  return (close < 0 ? reply.slice(start) : reply.slice(start, close)).trim();
}

/** The function the prompt is about: its last python block (how the original finds the code). */
export function functionFromPrompt(prompt: string): string | undefined {
  const blocks = [...prompt.matchAll(/```python\n([\s\S]*?)```/g)];
  const last = blocks.at(-1);
  return last ? last[1]! : undefined;
}

/** Name of the first top-level def in `code`. */
export function firstDefName(code: string): string | undefined {
  return /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/m.exec(code)?.[1];
}
