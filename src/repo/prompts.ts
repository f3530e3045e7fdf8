import type { ChatMessage } from '../models/types.js';
import { completionSplit, type RepoBenchmark } from './candidate.js';
import { cutFile } from './cut.js';
import type { RepoTask } from './record.js';

export interface PromptOptions {
  contextSource: 'file' | 'class';
  maxContextSymb: number;
  think: boolean;
  /** program_repair: "test" shows the tail of the failing output, "null" does not. */
  repairContext: 'test' | 'null';
  maxTestFeedbackSymb: number;
}

const SYSTEM = 'You are an expert Python developer working inside the Django repository.';
const fence = (s: string, lang = 'python'): string => `\`\`\`${lang}\n${s}\n\`\`\``;
/** A line the offline model (and a reader) uses to know which method the task is about. */
export const taskLine = (t: RepoTask): string => `Repository: django. File: ${t.file_path}. Class: ${t.class_name}. Method: ${t.method.name}.`;

function classContext(t: RepoTask): string {
  const head = t.class_without_method;
  return t.class_doc ? `${head}\n\n# Class documentation:\n# ${t.class_doc.split('\n').join('\n# ')}` : head;
}

/** The first user message of a task (the task statement restated after each failed turn). */
export function taskPrompt(t: RepoTask, bench: RepoBenchmark, o: PromptOptions): string {
  const suffix = o.think ? '' : ' /no_think';
  if (bench === 'method_gen_multiturn') {
    const ctx = o.contextSource === 'class' ? classContext(t) : cutFile(t.file_without_method, o.maxContextSymb, t.class_name);
    return [
      taskLine(t),
      `Implement the method \`${t.method.name}\` of class \`${t.class_name}\`. Your answer must begin with this exact declaration:`,
      fence(t.method.declaration.trim()),
      `What the method does:\n${t.method.description}`,
      `The ${o.contextSource === 'class' ? 'class' : 'file'} it belongs to, with the method left out:`,
      fence(ctx),
      'Give only the method in one ```python block: no imports, no code outside the method; put any helper inside it; use only modules the file already imports.' + suffix,
    ].join('\n\n');
  }
  if (bench === 'completion') {
    const { prefix } = completionSplit(t);
    const lines = t.raw_file_content.split('\n');
    const before = cutFile(lines.slice(0, t.method.global_method_declaration_index[0]).join('\n'), o.maxContextSymb, t.class_name);
    return [
      taskLine(t),
      `Continue the method \`${t.method.name}\` of class \`${t.class_name}\`. The file up to the unfinished method:`,
      fence(`${before}\n${prefix}`),
      'Reply with one ```python block holding only the lines that complete the method, indented as they will stand in the file.' + suffix,
    ].join('\n\n');
  }
  const parts = [
    taskLine(t).replace(/ Class: .*$/, ''),
    'One method of this file has a bug that makes the repository\'s tests fail. Find it and return the whole corrected method.',
    fence(cutFile(t.file_with_buggy_method, o.maxContextSymb, t.class_name, [t.method.global_method_declaration_index[0], t.method.global_method_body_index[1]])),
  ];
  if (o.repairContext === 'test') parts.push(`Output of the failing tests:\n${fence(t.test_error_message.slice(-o.maxTestFeedbackSymb), 'text')}`);
  parts.push('Reply with the fixed method only, starting with its `def` line, in one ```python block.' + suffix);
  return parts.join('\n\n');
}

export function firstMessages(t: RepoTask, bench: RepoBenchmark, o: PromptOptions): ChatMessage[] {
  return [{ role: 'system', content: SYSTEM }, { role: 'user', content: taskPrompt(t, bench, o) }];
}

/** The feedback message after a failed turn: the tail of the test output, then the task again. */
export function feedbackMessage(t: RepoTask, bench: RepoBenchmark, o: PromptOptions, output: string): string {
  return `Correct the answer. Tests failed:\n${fence(output.slice(-o.maxTestFeedbackSymb), 'TEST_RESULT')}\n${taskPrompt(t, bench, o)}`;
}
