import { fillTemplate } from '../util/template.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../models/types.js';
import { InfraError } from '../util/errors.js';
import { projectRoot } from './data.js';
import { ANSWER_CLOSE } from './postprocess.js';
import type { Case2CodeItem, CruxItem, GlanceItem, RagMatch, ReasoningItem, ReasoningTask } from './types.js';

export const PROMPT_DIR = join(projectRoot, 'resources', 'prompts', 'reasoning');

const templates = new Map<string, string>();

/** Reads resources/prompts/reasoning/<name>.txt (cached). */
export function promptTemplate(name: string): string {
  let t = templates.get(name);
  if (t === undefined) {
    const file = join(PROMPT_DIR, `${name}.txt`);
    if (!existsSync(file)) throw new InfraError('NO_PROMPT', `${file}: prompt template missing`);
    t = readFileSync(file, 'utf8');
    templates.set(name, t);
  }
  return t;
}

export { fillTemplate };

export interface PromptOptions {
  cot?: boolean;
  /** Add the item's API documentation (CodeGlance sets that ship it). */
  rag?: boolean;
  /** Most documentation entries shown per item (default 8). */
  maxDocs?: number;
}

/** Template file (without .txt) used for a task and CoT setting. */
export function templateName(task: ReasoningTask, cot: boolean): string {
  const style = cot ? 'cot' : 'direct';
  if (task.family === 'cruxeval') return `cruxeval-${task.mode}.${style}`;
  return `${task.family}.${style}`;
}

/** The chat messages for one item. */
export function buildMessages(task: ReasoningTask, item: ReasoningItem, opts: PromptOptions = {}): ChatMessage[] {
  const template = promptTemplate(templateName(task, !!opts.cot));
  let user: string;
  switch (item.family) {
    case 'cruxeval':
      user = fillTemplate(template, cruxVars(item));
      break;
    case 'codeglance':
      user = fillTemplate(template, glanceVars(item, opts));
      break;
    case 'case2code':
      user = fillTemplate(template, case2codeVars(item));
      break;
  }
  return [
    { role: 'system', content: promptTemplate('system').trim() },
    { role: 'user', content: user.replace(/\s+$/, '') + '\n' },
  ];
}

/** Stop sequences for a task (the answer block ends the output of the assertion tasks). */
export function stopSequences(task: ReasoningTask): string[] | undefined {
  return task.family === 'case2code' ? undefined : [ANSWER_CLOSE];
}

function cruxVars(item: CruxItem): Record<string, string> {
  return { code: item.code, input: item.input, output: item.output };
}

/** The test with its `<ground_truth>` placeholder shown as `??`. */
export function maskedTest(item: GlanceItem): string {
  return item.test.split('<ground_truth>').join('??').replace(/\s+$/, '');
}

function glanceVars(item: GlanceItem, opts: PromptOptions): Record<string, string> {
  const docs = opts.rag ? formatDocs(item.docs ?? [], opts.maxDocs ?? 8) : '';
  return {
    code: item.code.replace(/\s+$/, ''),
    test: maskedTest(item),
    docs: docs ? fillTemplate(promptTemplate('codeglance.docs'), { entries: docs }) : '',
  };
}

const SOURCE_LINES = 25;

/** Documentation entries as text: path and signature, description, examples (or source). */
export function formatDocs(matches: RagMatch[], maxDocs: number): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const m of matches) {
    for (const r of m.results ?? []) {
      if (parts.length >= maxDocs) break;
      const path = (r.api_path ?? r.api_name ?? '').trim();
      if (!path || seen.has(path)) continue;
      seen.add(path);
      const lines = [`## ${path}${(r.api_signature ?? '').trim()}`];
      const desc = (r.api_description ?? '').trim();
      if (desc) lines.push(desc);
      const examples = typeof r.api_examples === 'string' ? r.api_examples.trim() : '';
      if (examples) lines.push(`Examples:\n${examples}`);
      if (!desc && !examples && Array.isArray(r.api_source) && r.api_source.length) {
        lines.push(`Source (first lines):\n${r.api_source.slice(0, SOURCE_LINES).join('').replace(/\s+$/, '')}`);
      }
      parts.push(lines.join('\n'));
    }
  }
  return parts.join('\n\n');
}

function case2codeVars(item: Case2CodeItem): Record<string, string> {
  const cases = item.shownCases.map((c) => {
    const call = `${item.funcName}(**${c.kwargs})`;
    return c.raised ? `${call}  ->  raises ${c.outcome}` : `${call}  ->  returns ${c.outcome}`;
  });
  return { func_name: item.funcName, cases: cases.join('\n') };
}
