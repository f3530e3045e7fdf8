import type { RepoTask } from './record.js';
import type { Replacement } from './sandbox.js';

export type RepoBenchmark = 'method_gen_multiturn' | 'completion' | 'program_repair';

/** Drops the reasoning part (through the last </think>) and returns the LAST ```python block, "" if none. */
export function lastPythonBlock(text: string): string {
  const end = text.lastIndexOf('</think>');
  const rest = end >= 0 ? text.slice(end + '</think>'.length) : text;
  const blocks = [...rest.matchAll(/```python[^\n]*\n([\s\S]*?)```/g)];
  return blocks.length ? blocks[blocks.length - 1]![1]!.replace(/\s+$/, '') : '';
}

/** The spec's format check: null when fine, else the feedback message for a NOT_RUN turn. */
export function formatProblem(code: string, bench: RepoBenchmark, name: string): string | null {
  if (bench === 'completion') return code.trim() ? null : 'The answer holds no ```python block with the continuation.';
  const first = code.split('\n').find((l) => l.trim())?.trim() ?? '';
  const re = new RegExp(`^(async\\s+)?def\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  if (re.test(first) || first.startsWith('@')) return null;
  return code.trim()
    ? `The answer must be the method only, starting with \`def ${name}\`; it starts with: ${first.slice(0, 80)}`
    : 'The answer holds no ```python block.';
}

const indentOf = (s: string): string => /^[ \t]*/.exec(s)![0];

/** Dedents, drops leading decorators and every blank line, and re-indents to the declaration's indent. */
export function normalizeMethod(code: string, declaration: string): string {
  let lines = code.split('\n').filter((l) => l.trim());
  const common = Math.min(...lines.map((l) => indentOf(l).length));
  lines = lines.map((l) => l.slice(common));
  while (lines.length && lines[0]!.startsWith('@')) lines.shift();
  const ind = indentOf(declaration.split('\n')[0] ?? '');
  return lines.map((l) => ind + l).join('\n');
}

/** Non-empty body lines kept in the completion prefix: floor(n/2), or none when n <= 1. */
export function completionSplit(task: RepoTask): { prefix: string; continuation: string } {
  const body = task.method.body.split('\n');
  const nonEmpty = body.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
  const keep = nonEmpty.length <= 1 ? 0 : Math.floor(nonEmpty.length / 2);
  const cut = keep === 0 ? 0 : nonEmpty[keep - 1]! + 1;
  const prefix = [task.method.declaration, ...body.slice(0, cut)].join('\n');
  return { prefix, continuation: body.slice(cut).join('\n') };
}

/** The reference the final code is scored against (chrF, common prefix). */
export function referenceOf(task: RepoTask, bench: RepoBenchmark): string {
  if (bench === 'completion') return completionSplit(task).continuation;
  return `${task.method.declaration}\n${task.method.body}`;
}

/** Text that replaces the method's lines (declaration start .. body end) for this answer. */
export function methodText(task: RepoTask, bench: RepoBenchmark, code: string): string {
  if (bench === 'completion') return `${completionSplit(task).prefix}\n${code}`;
  return normalizeMethod(code, task.method.declaration);
}

/** Past any file's last line: the judge's slice (lines[start-1:end]) then replaces the tree's whole file. */
export const TO_FILE_END = 2 ** 31 - 1;

export function replacementFor(task: RepoTask, text: string): Replacement {
  const start = task.method.global_method_declaration_index[0];
  const end = task.method.global_method_body_index[1];
  if (!task.whole_file) return { file: task.file_path, start: start + 1, end: end + 1, text };
  // The record's own file, with the candidate over the method's lines, replaces whatever the tree holds there.
  const lines = task.raw_file_content.split('\n');
  return { file: task.file_path, start: 1, end: TO_FILE_END, text: [...lines.slice(0, start), text, ...lines.slice(end + 1)].join('\n') };
}

/** Name of the first def in an answer (repair: did the model pick the broken method?). */
export function defName(code: string): string | undefined {
  return /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/m.exec(code)?.[1];
}
