import type { ChatMessage, ChatModel, Generation, GenerateOptions } from '../models/types.js';
import { estimateUsage } from '../models/openai.js';
import { bodyOf } from './mutate.js';
import { failingTests, inLayout, readPrompt, showsCompileError, type PromptView } from './read-prompt.js';

/**
 * Deterministic synthetic user; it reads only its prompt. The novice restates what the feedback
 * it was shown says (a syntax error, failing tests). The expert, whose prompt holds the ground
 * truth code, names the lines of the previous code that deviate and how, without quoting it.
 */
export class OfflineUser implements ChatModel {
  readonly synthetic = true;
  readonly id = 'offline-user';
  /** Bump when the synthetic behaviour changes, so cached answers of the old one are not reused. */
  readonly behaviour = '4';

  async generate(messages: ChatMessage[], _opts: GenerateOptions): Promise<Generation> {
    const view = readPrompt(messages);
    const said = view.reference !== undefined ? expert(view) : novice(view);
    const text = inLayout(view, 'produce the user_feedback. I go by what the feedback shows.', said);
    return { text, usage: estimateUsage(messages, text), latencyMs: 0, cached: false };
  }
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop() ?? '';

function novice(v: PromptView): string {
  if (v.compilation !== undefined && showsCompileError({ compilation: v.compilation, text: '' })) {
    return `I tried to run the code but Python stops before running anything: "${lastLine(v.compilation)}". Could you fix that?`;
  }
  const failing = failingTests(v);
  if (failing) {
    const names = failing.map((n) => n.toLowerCase()).join(', ');
    const firstTrace = (v.execution ?? '').split('\n\n')[0]!.split('\n').slice(1).join('\n');
    return `Some of my checks fail (${names || 'no details were printed'}). ${firstTrace ? `The first one ends with "${lastLine(firstTrace)}". ` : ''}I am not sure what is wrong, but the results are not what I expected.`;
  }
  return 'I did not notice a problem.';
}

function expert(v: PromptView): string {
  // The ground truth is shown with its prompt's blank-line runs; compare it as the coder writes code.
  const tidy = (s: string): string => s.replace(/\n{3,}/g, '\n\n');
  const mine = bodyOf(tidy(v.previousCode ?? ''));
  const ref = bodyOf(tidy(v.reference ?? ''));
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
    if (failingTests(v)) hints.push('The logic looks right to me; check the edge cases the failing tests exercise.');
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
