import { unitFromKey } from '../util/unit-hash.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../models/types.js';
import { InfraError } from '../util/errors.js';
import { buildMessages } from './prompts.js';
import type { ReasoningItem, ReasoningTask, TaskMode } from './types.js';

/** What the offline model knows of one item: its gold answer, found by the item's prompt. */
export interface ReasoningContext {
  task: string;
  family: ReasoningItem['family'];
  mode: TaskMode;
  itemId: string;
  cot: boolean;
  gold:
    | { family: 'cruxeval'; input: string; output: string }
    | { family: 'codeglance'; result: string; test: string }
    | { family: 'case2code'; funcName: string; code: string };
}

export function reasoningContext(task: ReasoningTask, item: ReasoningItem, cot: boolean): ReasoningContext {
  const gold: ReasoningContext['gold'] =
    item.family === 'cruxeval'
      ? { family: 'cruxeval', input: item.input, output: item.output }
      : item.family === 'codeglance'
        ? { family: 'codeglance', result: item.result, test: item.test }
        : { family: 'case2code', funcName: item.funcName, code: item.code };
  return { task: task.name, family: item.family, mode: task.mode, itemId: item.id, cot, gold };
}

/** The items a run asks about, as the offline model is built with them (prompt text -> item). */
export interface ReasoningData {
  task: ReasoningTask;
  items: readonly ReasoningItem[];
  cot: boolean;
  rag: boolean;
}

const promptKey = (messages: ChatMessage[]): string => messages.map((m) => `${m.role}\u0000${m.content}`).join('\u0001');

/** Index of the gold answers by the exact prompt each item is asked with. */
export function reasoningLookup(d: ReasoningData): Map<string, ReasoningContext> {
  const out = new Map<string, ReasoningContext>();
  for (const item of d.items) out.set(promptKey(buildMessages(d.task, item, { cot: d.cot, rag: d.rag })), reasoningContext(d.task, item, d.cot));
  return out;
}

/** Uniform number in [0, 1) from the seed and labels (SHA-256, so stable across platforms). */
export function unitHash(...parts: (string | number)[]): number {
  return unitFromKey(parts.join('\u0000'));
}

/**
 * Offline synthetic reasoner for CRUXEval, CodeGlance and Case2Code. For each (seed, item,
 * sampleIndex) it deterministically either returns the true answer (known from its items) or a
 * plausible wrong one, formatted the way chat models answer so that post-processing is exercised.
 * Items get a fixed difficulty d in [0, 1); a sample is correct with probability strength^(0.5 + d),
 * so the expected pass@1 is close to the strength and samples of one item are correlated.
 */
export class OfflineReasoningModel implements ChatModel {
  readonly id: string;
  readonly synthetic = true;

  private readonly known: Map<string, ReasoningContext>;

  /** Built with the items it will be asked about (see reasoningLookup); it reads only the messages. */
  constructor(
    readonly strength: number,
    readonly seed = 0,
    known?: ReasoningData,
  ) {
    this.known = known ? reasoningLookup(known) : new Map();
    if (!(strength >= 0 && strength <= 1)) throw new InfraError('CONFIG', `offline strength must be in [0,1], got ${strength}`);
    this.id = `offline:${strength}`;
  }

  /** Probability that a sample of this item is answered correctly. */
  correctProbability(itemId: string): number {
    if (this.strength <= 0) return 0;
    if (this.strength >= 1) return 1;
    const difficulty = unitHash(this.seed, itemId, 'difficulty');
    return this.strength ** (0.5 + difficulty);
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const ctx = this.known.get(promptKey(messages));
    if (!ctx) throw new InfraError('CONFIG', 'the offline reasoning model knows no item with this prompt (build it with the run\'s items)');
    const sample = opts.sampleIndex ?? 0;
    const correct = unitHash(this.seed, ctx.itemId, sample, 'draw') < this.correctProbability(ctx.itemId);
    const variant = Math.floor(unitHash(this.seed, ctx.itemId, sample, 'variant') * 4);
    const text = render(ctx, correct, variant, (salt) => unitHash(this.seed, ctx.itemId, sample, salt));
    const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
    return {
      text,
      usage: { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(text.length / 4), estimated: true },
      latencyMs: 0,
      cached: false,
    };
  }
}

type Rand = (salt: string) => number;

function render(ctx: ReasoningContext, correct: boolean, variant: number, rand: Rand): string {
  const g = ctx.gold;
  if (g.family === 'case2code') {
    const code = correct ? g.code.replace(/\s+$/, '') : wrongCode(g.code, g.funcName, rand);
    const thought = ctx.cot ? `[THOUGHT]\nThe examples suggest a rule; ${g.funcName} below implements it.\n[/THOUGHT]\n` : '';
    return variant === 0 ? `${thought}\`\`\`python\n${code}\n\`\`\`` : `${thought}Here is the function:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
  }
  let assertion: string;
  if (g.family === 'cruxeval') {
    if (ctx.mode === 'input') {
      const args = correct ? g.input : wrongArgs(g.input, rand);
      assertion = `assert f(${args}) == ${g.output}`;
    } else {
      const value = correct ? g.output : wrongLiteral(g.output, rand);
      assertion = `assert f(${g.input}) == ${value}`;
    }
  } else {
    const value = correct ? g.result : wrongLiteral(g.result, rand);
    assertion = `${glanceLhs(g.test)} == ${value}`;
  }
  const close = variant % 2 === 0 ? '\n[/ANSWER]' : '';
  if (!ctx.cot) return variant === 3 ? `${assertion}${close}\n` : `${assertion}${close}`;
  const thought = '[THOUGHT]\nLet me run the code step by step, keeping track of every variable.\nAfter the last step the value is known.\n[/THOUGHT]\n';
  return `${thought}[ANSWER]\n${assertion}${close}`;
}

/** `assert <expression>` of the test's last assertion, without the `== <ground_truth>` part. */
function glanceLhs(test: string): string {
  const lines = test.split('\n').filter((l) => l.includes('<ground_truth>'));
  const line = (lines[lines.length - 1] ?? '').trim();
  const at = line.indexOf('<ground_truth>');
  let lhs = at >= 0 ? line.slice(0, at).trimEnd() : '';
  if (lhs.endsWith('==')) lhs = lhs.slice(0, -2).trimEnd();
  // A left side with its own == would be cut by post-processing: a model would simplify it.
  if (!lhs.startsWith('assert ') || lhs.includes('==')) return 'assert result';
  return lhs;
}

/** Splits `a, [b, c], 'd,e'` at top-level commas (brackets and quotes respected). */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last || out.length) out.push(last);
  return out.filter((s, i, a) => s !== '' || i < a.length - 1);
}

/** A plausible but (usually) different Python literal. */
export function wrongLiteral(lit: string, rand: Rand): string {
  const t = lit.trim();
  if (/^-?\d+$/.test(t)) return String(BigInt(t) + (rand('num') < 0.5 ? 1n : -1n));
  if (/^-?\d+\.\d*(e-?\d+)?$/i.test(t)) return String(Number(t) + 1);
  if (t === 'True') return 'False';
  if (t === 'False') return 'True';
  if (t === 'None') return "''";
  const q = t[0];
  if ((q === "'" || q === '"') && t.endsWith(q!) && t.length >= 2) {
    const inner = t.slice(1, -1);
    if (/[a-zA-Z]/.test(inner)) {
      const i = inner.search(/[a-zA-Z]/);
      const c = inner[i]!;
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return q + inner.slice(0, i) + swapped + inner.slice(i + 1) + q;
    }
    return q + inner + 'x' + q;
  }
  const open = t[0];
  const closeOf: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
  if (open && closeOf[open] && t.endsWith(closeOf[open]!)) {
    const items = splitTopLevel(t.slice(1, -1));
    if (items.length === 0) return open === '{' ? "{''}" : `${open}0${open === '(' ? ',' : ''}${closeOf[open]}`;
    const kept = items.slice(0, -1);
    if (kept.length === 0) return open === '{' && t.includes(':') ? '{}' : open === '{' ? 'set()' : `${open}${closeOf[open]}`;
    return `${open}${kept.join(', ')}${open === '(' && kept.length === 1 ? ',' : ''}${closeOf[open]}`;
  }
  return 'None';
}

/** The argument list with one argument changed. */
function wrongArgs(input: string, rand: Rand): string {
  const args = splitTopLevel(input);
  if (args.length === 0) return '0';
  const at = Math.floor(rand('arg') * args.length);
  args[at] = wrongLiteral(args[at]!, rand);
  return args.join(', ');
}

/** The reference code with one small change, or a stub when nothing suitable is found. */
function wrongCode(code: string, funcName: string, rand: Rand): string {
  const lines = code.replace(/\s+$/, '').split('\n');
  const body = lines.map((l, i) => ({ l, i })).filter(({ l }) => !/^\s*(def |class |import |from |@|#)/.test(l) && l.trim());
  const pick = rand('line');
  for (let k = 0; k < body.length; k++) {
    const { l, i } = body[(Math.floor(pick * body.length) + k) % body.length]!;
    const num = /(?<![\w.])(\d+)(?![\w.])/.exec(l);
    if (num) {
      lines[i] = l.slice(0, num.index) + String(Number(num[1]) + 1) + l.slice(num.index + num[1]!.length);
      return lines.join('\n');
    }
    if (/ [+-] /.test(l)) {
      lines[i] = l.replace(/ ([+-]) /, (_m, op: string) => (op === '+' ? ' - ' : ' + '));
      return lines.join('\n');
    }
  }
  return `def ${funcName}(*args, **kwargs):\n    return None`;
}
