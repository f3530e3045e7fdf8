import type { ChatMessage, ChatModel, Generation, GenerateOptions } from '../models/types.js';
import { estimateUsage } from '../models/openai.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import type { TurnContext } from './context.js';
import { bodyOf, candidateDefects, pickDefects, type Defect } from './mutate.js';
import { draw } from './rng.js';

export interface OfflineCoderOptions {
  skill: number;
  seed: number;
  /** The synthetic model "knows" each task's reference; it degrades it according to its skill. */
  lookup: (taskId: string) => BigCodeBenchTask | undefined;
}

/**
 * Deterministic synthetic coder. Turn 0 writes the reference with defects injected (fewer for a
 * higher skill). A later turn repairs a defect only when the feedback it received locates it:
 * a failed compile locates syntax defects, failing tests make semantic ones findable, an expert's
 * "line N" hint points at one directly. Richer feedback therefore gives higher recall and MRR.
 */
export class OfflineCoder implements ChatModel {
  readonly synthetic = true;
  readonly id: string;
  /** Bump when the synthetic behaviour changes, so cached answers of the old one are not reused. */
  readonly behaviour = '2';

  constructor(private readonly o: OfflineCoderOptions) {
    this.id = `offline:${o.skill}`;
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const ctx = opts.context as unknown as TurnContext | undefined;
    const task = ctx ? this.o.lookup(ctx.taskId) : undefined;
    let text: string;
    if (!ctx || !task) {
      text = 'I am an offline synthetic model and cannot answer without a known task.';
    } else {
      const key = `${this.o.seed}|${this.o.skill}|${ctx.taskId}|${opts.sampleIndex ?? 0}`;
      const body = ctx.step === 'initial' || !ctx.previousCode ? this.initial(task, key) : this.refine(task, ctx, key);
      const code = task.code_prompt + body.join('\n') + '\n';
      text = ctx.step === 'initial'
        ? `Here is an implementation.\n\n\`\`\`python\n${code}\`\`\`\n`
        : `I revised the code based on the feedback.\n\n\`\`\`python\n${code}\`\`\`\n`;
    }
    return { text, usage: estimateUsage(messages, text), latencyMs: 0, cached: false };
  }

  private initial(task: BigCodeBenchTask, key: string): string[] {
    const s = this.o.skill;
    const lines = task.canonical_solution.replace(/\s+$/, '').split('\n');
    if (draw(key, 'clean') < 0.1 + 0.55 * s) return lines;
    const count = 1 + (draw(key, 'more') < 0.5 * (1 - s) ? 1 : 0) + (draw(key, 'more2') < 0.2 * (1 - s) ? 1 : 0);
    const syntax = draw(key, 'syntax') < 0.03 + 0.12 * (1 - s);
    return applyDefects(lines, pickDefects(lines, count, syntax, key));
  }

  private refine(task: BigCodeBenchTask, ctx: TurnContext, key: string): string[] {
    const s = this.o.skill;
    const ref = task.canonical_solution.replace(/\s+$/, '').split('\n');
    const prev = bodyOf(ctx.previousCode!);
    // Code the model cannot relate to its own reference (shape changed) is rewritten from scratch.
    if (prev.body.length !== ref.length) return this.initial(task, `${key}|rewrite|${ctx.turn}`);
    const defects: Defect[] = [];
    prev.body.forEach((l, i) => {
      if (l.trimEnd() !== ref[i]!.trimEnd()) defects.push({ line: i, kind: isSyntaxDefect(l, ref[i]!) ? 'syntax' : 'cmp', text: l });
    });
    const bodyStart = prev.before.length + 1;
    const hinted = hintedLines(ctx.userFeedback ?? '').map((n) => n - bodyStart);
    const compileFailed = ctx.compilation?.ok === false;
    const testsFailed = !compileFailed && ctx.execution && !ctx.execution.passed && ctx.execution.failing.length > 0;
    const out = [...prev.body];
    let edited = false;
    for (const d of defects) {
      let p: number;
      if (d.kind === 'syntax') p = compileFailed ? 0.95 : 0.05;
      else {
        // Without feedback that shows a failure, a repair is luck; raw test output helps a little,
        // a user explaining the failure in words more, an expert naming the line most.
        p = testsFailed ? (ctx.execution!.coverage === 'full' ? 0.08 + 0.12 * s : 0.06 + 0.1 * s) : 0.003;
        if (testsFailed && ctx.userFeedback) p += 0.12;
        if (hinted.includes(d.line)) p = Math.max(p, 0.5 + 0.3 * s);
      }
      if (draw(key, 'fix', ctx.turn, d.line) < p) {
        out[d.line] = ref[d.line]!;
        edited = true;
      }
    }
    // A weak model sometimes breaks something else while editing.
    if (edited && draw(key, 'regress', ctx.turn) < 0.15 * (1 - s)) {
      const cands = out.flatMap((l, i) => (l === ref[i] ? candidateDefects(l, i).filter((d) => d.kind !== 'syntax') : []));
      if (cands.length) {
        const d = cands[Math.floor(draw(key, 'regress-pick', ctx.turn) * cands.length)]!;
        out[d.line] = d.text;
      }
    }
    return out;
  }
}

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
