/**
 * Prompt pieces for training samples (our own wording; the original draws from larger sets of
 * the same kinds). The evaluation layout uses only the fixed pieces at the end of this file.
 */
export const INSTRUCTIONS = [
  'Write a function that generates the output from the input.',
  'Here are some calls of a Python function and what they returned. Write the function.',
  'Given these input/output pairs, implement the function that produced them.',
  'Figure out the function behind the examples below and write it in Python.',
  'Reconstruct the Python function from its observed behaviour.',
  'Each example shows the arguments of a call and its result. Implement the function.',
  'Study the examples and write a function that reproduces every output exactly.',
  'Implement a function consistent with all of the following test cases.',
];

export const CASE_HEADERS = ['Examples:', 'Test cases:', 'Here are the cases:', 'Input-output pairs:', 'Observed calls:', 'Some examples:'];

export const FUNCTION_HEADERS = ['Function: {name}', 'The function is named {name}.', 'Name of the function: {name}', 'Call it {name}.'];

export type CaseStyle = 'raw-kv' | 'raw-values' | 'raw-dict' | 'call-kw' | 'call-pos';

/** One shown case: argument (name, text) pairs and the output text. */
export function formatCase(style: CaseStyle, name: string, args: [string, string][], out: string): string {
  const kv = args.map(([k, v]) => `${k}=${v}`).join(', ');
  switch (style) {
    case 'raw-kv':
      return `Input: ${args.map(([k, v]) => `${k}:${v}`).join(', ')}, Output: ${out}`;
    case 'raw-values':
      return `Input: ${args.map(([, v]) => v).join(', ')}, Output: ${out}`;
    case 'raw-dict':
      return `Input: dict(${kv}), Output: ${out}`;
    case 'call-kw':
      return `${name}(${kv}) -> ${out}`;
    case 'call-pos':
      return `${name}(${args.map(([, v]) => v).join(', ')}) -> ${out}`;
  }
}

/** The published test set's layout: instruction 0, no case header, "Function: name", dict-style cases. */
export const EVAL_INSTRUCTION = INSTRUCTIONS[0]!;
export const EVAL_FUNCTION_HEADER = FUNCTION_HEADERS[0]!;
export const EVAL_CASE_STYLE: CaseStyle = 'raw-dict';

/** Separators after each prompt part, with the original's weights (5/8, 2/8, 1/8). */
export const SEPARATORS: [string, number][] = [['\n', 5], ['\n\n', 2], ['\n\n\n', 1]];

/** Longest prompt kept (characters). */
export const MAX_PROMPT_CHARS = 32768;

export function targetText(code: string): string {
  return `The function is:\n\n\`\`\`python\n${code}\n\`\`\``;
}
