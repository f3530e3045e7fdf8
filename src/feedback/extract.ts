/** Code from a model answer: first ```python block, else the first ``` block, else the raw text. */
export function extractCode(answer: string): { code: string; fenced: boolean } {
  const py = /```[ \t]*(?:python|py|python3)[ \t]*\r?\n([\s\S]*?)(?:```|$)/i.exec(answer);
  if (py) return { code: py[1]!, fenced: true };
  const any = /```[^\n`]*\r?\n([\s\S]*?)(?:```|$)/.exec(answer);
  if (any) return { code: any[1]!, fenced: true };
  return { code: answer, fenced: false };
}

/** The task's import header: code_prompt up to `def task_func`, prepended to extracted code. */
export function importHeader(codePrompt: string, entryPoint = 'task_func'): string {
  const i = codePrompt.indexOf(`def ${entryPoint}`);
  return i >= 0 ? codePrompt.slice(0, i) : '';
}
