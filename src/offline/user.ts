import type { ChatMessage, ChatModel, Generation, GenerateOptions } from '../models/types.js';
import { estimateUsage } from '../models/openai.js';
import type { TurnContext } from './context.js';
import { bodyOf } from './mutate.js';

/**
 * Deterministic synthetic user. The novice restates what the feedback it saw shows (a syntax error,
 * failing tests) and says nothing when that shows no problem. The expert also compares the code
 * with the reference and names the lines that deviate and how, without quoting the reference.
 */
export class OfflineUser implements ChatModel {
  readonly synthetic = true;
  readonly id = 'offline-user';
  /** Bump when the synthetic behaviour changes, so cached answers of the old one are not reused. */
  readonly behaviour = '2';

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const ctx = opts.context as unknown as TurnContext | undefined;
    const text = ctx ? (ctx.user === 'expert' ? expert(ctx) : novice(ctx)) : '';
    return { text, usage: estimateUsage(messages, text), latencyMs: 0, cached: false };
  }
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop() ?? '';

function novice(ctx: TurnContext): string {
  if (ctx.compilation && !ctx.compilation.ok) {
    return `I tried to run the code but Python stops before running anything: "${lastLine(ctx.compilation.text)}". Could you fix that?`;
  }
  if (ctx.execution && !ctx.execution.passed) {
    const names = ctx.execution.failing.map((n) => n.toLowerCase()).join(', ');
    const firstTrace = ctx.execution.text.split('\n').slice(1).join('\n');
    return `Some of my checks fail (${names}). The first one ends with "${lastLine(firstTrace)}". I am not sure what is wrong, but the results are not what I expected.`;
  }
  return '';
}

function expert(ctx: TurnContext): string {
  const code = ctx.previousCode ?? '';
  const mine = bodyOf(code);
  const ref = bodyOf(ctx.reference ?? '');
  const hints: string[] = [];
  const offset = mine.before.length + 1;
  if (mine.body.length === ref.body.length) {
    mine.body.forEach((l, i) => {
      const r = ref.body[i]!;
      if (l.trimEnd() !== r.trimEnd() && hints.length < 3) hints.push(`Line ${i + offset}: ${describe(l, r)}`);
    });
  } else {
    hints.push('The overall structure differs from what the task needs; rework the main loop and the returned value step by step.');
  }
  if (hints.length === 0) {
    if (ctx.execution && !ctx.execution.passed) hints.push('The logic looks right to me; check the edge cases the failing tests exercise.');
    else return 'The code looks correct to me.';
  }
  return `I reviewed your code against what the task requires.\n${hints.join('\n')}`;
}

/** How a line deviates, in words only: no token of the reference is quoted. */
function describe(line: string, ref: string): string {
  const t = line.trim();
  if (ref.trimEnd().endsWith(':') && !t.endsWith(':')) return 'this statement is not valid Python; check the punctuation at the end of the line.';
  if (t === 'pass') return 'a step the task needs is missing here.';
  if (/return None$/.test(t)) return 'the function returns nothing useful here; return the computed result.';
  if (/[<>=!]=?/.test(t) && t.replace(/[<>=!]+/g, '') === ref.trim().replace(/[<>=!]+/g, '')) return 'the comparison here is not the right one; think about the boundary case.';
  if (t.replace(/\d+/g, '') === ref.trim().replace(/\d+/g, '')) return 'a numeric constant on this line is off.';
  if (t.replace(/[-+*/]/g, '') === ref.trim().replace(/[-+*/]/g, '')) return 'the arithmetic operator on this line is wrong.';
  return 'this line does not do what the task asks; reconsider it.';
}
