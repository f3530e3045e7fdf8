import { createHash } from 'node:crypto';
import type { ChatMessage, ChatModel, Generation, GenerateOptions } from '../models/types.js';
import { estimateUsage } from '../models/openai.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { bodyOf, candidateDefects, pickDefects, type Defect } from './mutate.js';
import { failingTests, inLayout, readPrompt, showsCompileError, type PromptView } from './read-prompt.js';
import { draw } from './rng.js';
import { TaskFinder } from './task-finder.js';

export interface OfflineCoderOptions {
  skill: number;
  seed: number;
  /** The synthetic model "knows" these tasks' references; it degrades them according to its skill. */
  tasks: readonly BigCodeBenchTask[];
}

/** Two blank lines would end the answer under the extraction rules; the model writes at most one. */
const tidy = (s: string): string => s.replace(/\n{3,}/g, '\n\n');
const REVISION = /\n# revision (\d+)\s*$/;

/**
 * Deterministic synthetic coder. It reads only its prompt: which task (by the problem text), the
 * previous code and the feedback shown. Turn 0 writes the reference with defects injected (fewer
 * for a higher skill). A refinement repairs a defect only when the feedback locates it: a compile
 * error locates syntax defects, failing tests make semantic ones findable, an expert's "line N"
 * hint points at one directly. Each answer ends with a revision comment, so a retry of the same
 * code is a new prompt, as a real model's differing answers would be.
 */
export class OfflineCoder implements ChatModel {
  readonly synthetic = true;
  readonly id: string;
  /** Bump when the synthetic behaviour changes, so cached answers of the old one are not reused. */
  readonly behaviour = '5';
  private readonly finder: TaskFinder;

  constructor(private readonly o: OfflineCoderOptions) {
    this.id = `offline:${o.skill}`;
    this.finder = new TaskFinder(o.tasks);
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const view = readPrompt(messages);
    const task = this.finder.find(view.text);
    let text: string;
    if (!task) {
      text = 'I am an offline synthetic model and know no task in this prompt.';
    } else {
      const key = `${this.o.seed}|${this.o.skill}|${task.task_id}|${opts.sampleIndex ?? 0}`;
      const prev = view.previousCode;
      const revision = prev ? Number(REVISION.exec(prev)?.[1] ?? 0) + 1 : 0;
      const body = prev === undefined ? this.initial(task, key) : this.refine(task, view, `${key}|${sha(view.text)}`);
      const code = tidy(task.code_prompt) + body.join('\n') + (revision ? `\n# revision ${revision}` : '') + '\n';
      const block = `\`\`\`python\n${code}\`\`\`\n`;
      text = prev === undefined
        ? `Here is an implementation.\n\n${block}`
        : view.signature
          ? inLayout(view, 'produce the generated_code. We change the lines the feedback points at.', block)
          : `I revised the code based on the feedback.\n\n${block}`;
    }
    return { text, usage: estimateUsage(messages, text), latencyMs: 0, cached: false };
  }

  private reference(task: BigCodeBenchTask): string[] {
    return tidy(task.canonical_solution).replace(/\s+$/, '').split('\n');
  }

  private initial(task: BigCodeBenchTask, key: string): string[] {
    const s = this.o.skill;
    const lines = this.reference(task);
    if (draw(key, 'clean') < 0.1 + 0.55 * s) return lines;
    const count = 1 + (draw(key, 'more') < 0.5 * (1 - s) ? 1 : 0) + (draw(key, 'more2') < 0.2 * (1 - s) ? 1 : 0);
    const syntax = draw(key, 'syntax') < 0.03 + 0.12 * (1 - s);
    return applyDefects(lines, pickDefects(lines, count, syntax, key));
  }

  private refine(task: BigCodeBenchTask, view: PromptView, key: string): string[] {
    const s = this.o.skill;
    const ref = this.reference(task);
    const prev = bodyOf(tidy(view.previousCode!));
    // Code the model cannot relate to its own reference (shape changed) is rewritten from scratch.
    if (prev.body.length !== ref.length) return this.initial(task, `${key}|rewrite`);
    const defects: Defect[] = [];
    prev.body.forEach((l, i) => {
      if (l.trimEnd() !== ref[i]!.trimEnd()) defects.push({ line: i, kind: isSyntaxDefect(l, ref[i]!) ? 'syntax' : 'cmp', text: l });
    });
    const bodyStart = prev.before.length + 1;
    const hinted = hintedLines(view.user ?? '').map((n) => n - bodyStart);
    const compileFailed = showsCompileError(view);
    const failing = compileFailed ? undefined : failingTests(view);
    // A compile error names a line; the broken statement is there or a few lines below (an unclosed call).
    const compileAt = compileFailed ? hintedLines(`${view.compilation ?? ''}\n${view.user ?? ''}`).map((n) => n - bodyStart) : [];
    const nearCompileError = (line: number): boolean => compileAt.some((at) => line >= at && line <= at + 3);
    const out = [...prev.body];
    let edited = false;
    for (const d of defects) {
      let p: number;
      if (d.kind === 'syntax') p = compileFailed ? 0.95 : 0.05;
      else if (nearCompileError(d.line)) p = 0.5 + 0.4 * s;
      else {
        // Without feedback that shows a failure, a repair is luck; each failing test shown helps a
        // little, a user explaining the failure in words more, an expert naming the line most.
        p = failing ? 0.06 + 0.1 * s + 0.02 * Math.min(failing.length, 3) : 0.003;
        if (failing && view.user) p += 0.12;
        if (hinted.includes(d.line)) p = Math.max(p, 0.5 + 0.3 * s);
      }
      if (draw(key, 'fix', d.line) < p) {
        out[d.line] = ref[d.line]!;
        edited = true;
      }
    }
    // A weak model sometimes breaks something else while editing.
    if (edited && draw(key, 'regress') < 0.15 * (1 - s)) {
      const cands = out.flatMap((l, i) => (l === ref[i] ? candidateDefects(l, i).filter((d) => d.kind !== 'syntax') : []));
      if (cands.length) {
        const d = cands[Math.floor(draw(key, 'regress-pick') * cands.length)]!;
        out[d.line] = d.text;
      }
    }
    return out;
  }
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

function applyDefects(lines: string[], defects: Defect[]): string[] {
  const out = [...lines];
  for (const d of defects) out[d.line] = d.text;
  return out;
}

function isSyntaxDefect(line: string, ref: string): boolean {
  return ref.trimEnd().endsWith(':') && line.trimEnd() === ref.trimEnd().slice(0, -1);
}

/** Line numbers a feedback text points at ("line 12", "Line 7:"). */
export function hintedLines(text: string): number[] {
  return [...text.matchAll(/\bline (\d+)\b/gi)].map((m) => Number(m[1]));
}
