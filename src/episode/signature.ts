import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../models/types.js';
import { UserError } from '../util/errors.js';
import { PROMPT_DIR, SIGNATURE_MAX_TOKENS } from './prompts.js';

/** One labelled field of a signature: its name, the label it is written after, and its description. */
export interface Field {
  name: string;
  prefix: string;
  desc: string;
}

/** A call as DSPy's ChainOfThought builds it: instruction, inputs in order, the reasoning field, the answer field. */
export interface Signature {
  instruction: string;
  inputs: Field[];
  reasoning: Field;
  output: Field;
}

const FieldSchema = z.object({ prefix: z.string().min(1), desc: z.string() }).strict();
const SignatureSchema = z.object({
  instruction: z.string().min(1),
  inputs: z.array(z.string().regex(/^\w+\??$/)).min(1),
  output: z.string(),
  examples: z.object({ plain: z.string(), execution_feedback: z.string().optional() }).strict().optional(),
}).strict();
const FileSchema = z.object({ fields: z.record(z.string(), FieldSchema), signatures: z.record(z.string(), SignatureSchema) }).strict();
type SignatureFile = z.infer<typeof FileSchema>;

export const SIGNATURES_FILE = join(PROMPT_DIR, 'signatures.yaml');
let loaded: SignatureFile | undefined;

function file(): SignatureFile {
  if (loaded) return loaded;
  const parsed = FileSchema.safeParse(parseYaml(readFileSync(SIGNATURES_FILE, 'utf8')));
  if (!parsed.success) throw new UserError('BAD_PROMPT', `${SIGNATURES_FILE}: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`);
  for (const [name, s] of Object.entries(parsed.data.signatures)) {
    for (const f of [...s.inputs.map((i) => i.replace(/\?$/, '')), s.output]) {
      if (!parsed.data.fields[f]) throw new UserError('BAD_PROMPT', `${SIGNATURES_FILE}: signature ${name} names an unknown field ${f}`);
    }
  }
  return (loaded = parsed.data);
}

/**
 * The signature `name` for the inputs at hand: an optional input (`name?`) is kept only when
 * `values` has it (undefined drops it, as the original's variant without that field did); the
 * answer field's description carries the example of that variant after a `---` line.
 */
export function signature(name: string, values: Record<string, string | null | undefined>): Signature {
  const f = file();
  const s = f.signatures[name];
  if (!s) throw new UserError('NO_PROMPT', `${SIGNATURES_FILE}: no signature ${name}`);
  const names = s.inputs.filter((i) => !i.endsWith('?') || values[i.slice(0, -1)] !== undefined).map((i) => i.replace(/\?$/, ''));
  const inputs = names.map((n) => ({ name: n, ...f.fields[n]! }));
  const example = s.examples && (values.execution_feedback !== undefined && s.examples.execution_feedback ? s.examples.execution_feedback : s.examples.plain);
  const out = f.fields[s.output]!;
  const tick = (n: string): string => `\`${n}\``;
  const instruction = s.instruction
    .replaceAll('{{inputs}}', names.map(tick).join(', '))
    .replaceAll('{{output}}', tick(s.output))
    .replaceAll('{{feedback_inputs}}', names.filter((n) => n.includes('feedback')).map(tick).join(', '));
  return {
    instruction,
    inputs,
    // DSPy's ChainOfThought puts this field before the answer; its description names the answer field.
    reasoning: { name: 'rationale', prefix: "Reasoning: Let's think step by step in order to", desc: `\${produce the ${s.output}}. We ...` },
    output: { name: s.output, prefix: out.prefix, desc: example ? `${out.desc}\n---\n\n${example}` : out.desc },
  };
}

/** The outputs filled so far: the reasoning, then the answer (a continuation call after a missing answer label). */
export interface Filled {
  reasoning?: string;
  answer?: string;
}

const collapse = (s: string): string => s.split(/\s+/).filter(Boolean).join(' ');

/**
 * The prompt text, laid out as DSPy 2.4 renders a template: parts joined by a `---` line between
 * blank lines; fields by a blank line (the signatures have more than 3 fields); a value holding a
 * newline starts on the line after its label. Input values are inserted as they are, the
 * reasoning with its whitespace collapsed. The first empty field after the last filled one is
 * written as its bare label, which the model continues.
 */
export function renderPrompt(sig: Signature, values: Record<string, string | null | undefined>, filled: Filled = {}): string {
  const fields = [...sig.inputs, sig.reasoning, sig.output];
  const vals: (string | undefined)[] = [...sig.inputs.map((f) => values[f.name] ?? undefined), filled.reasoning, filled.answer];
  const has = vals.map((v) => v !== undefined && v !== '');
  if (!has.some(Boolean)) vals[0] = '';
  else {
    for (let i = 1; i < fields.length; i++) {
      if (has[i - 1] && !has.slice(i).some(Boolean)) { vals[i] = ''; break; }
    }
  }
  const line = (f: Field, v: string): string => {
    const text = f === sig.reasoning ? collapse(v) : v;
    return `${f.prefix}${text.includes('\n') ? '\n' : ' '}${text}`;
  };
  const guidelines = 'Follow the following format.\n\n' + fields.map((f) => line(f, f.desc)).join('\n\n');
  const query = fields.flatMap((f, i) => (vals[i] === undefined ? [] : [line(f, vals[i]!)])).join('\n\n');
  return [sig.instruction, guidelines, query].map((p) => p.trim()).filter(Boolean).join('\n\n---\n\n').trim();
}

/** A parsed field is trimmed (DSPy also drops trailing dashes, but only under a `release` setting the original left at 0). */
const clean = (s: string): string => s.trim();

/**
 * Reads the outputs from a completion of `renderPrompt(sig, values, filled)`: the text before the
 * answer's label (on a new line) is the reasoning, the text after it the answer. Once the answer
 * field is open (`filled.answer === ''`), or the reasoning is known, the completion is the answer.
 */
export function parseCompletion(sig: Signature, completion: string, filled: Filled = {}): Filled {
  const raw = completion.trim();
  if (filled.answer !== undefined) return { ...filled, answer: clean(raw) };
  if (filled.reasoning !== undefined) return raw === '' ? { ...filled } : { ...filled, answer: clean(raw) };
  if (raw === '') return {};
  const label = `\n${sig.output.prefix.trim()}`;
  const at = raw.indexOf(label);
  if (at < 0) return { reasoning: clean(raw) };
  const rest = clean(raw.slice(at + label.length));
  return rest === '' ? { reasoning: clean(raw.slice(0, at)) } : { reasoning: clean(raw.slice(0, at)), answer: rest };
}

export interface Prediction {
  /** The answer field's text ('' when the model never gave one). */
  answer: string;
  reasoning?: string;
  /** Every completion, in order, and the prompt of the first call. */
  completions: string[];
  prompt: string;
  gens: Generation[];
  /** The messages of the first call. */
  message: ChatMessage;
}

/**
 * One ChainOfThought call as DSPy 2.4 makes it: render, call, parse. A completion without the
 * answer label is followed by another call whose prompt carries the reasoning so far and ends with
 * the answer label, greedy, with half the token budget (at least 75; the budget is `opts.maxTokens`,
 * else 2048); at most 3 calls in all.
 */
export async function predict(model: ChatModel, sig: Signature, values: Record<string, string | null | undefined>, opts: GenerateOptions, history: ChatMessage[] = []): Promise<Prediction> {
  let filled: Filled = {};
  let maxTokens = opts.maxTokens ?? SIGNATURE_MAX_TOKENS;
  const completions: string[] = [];
  const gens: Generation[] = [];
  let first: ChatMessage | undefined;
  for (let call = 0; call < 3; call++) {
    const message: ChatMessage = { role: 'user', content: renderPrompt(sig, values, filled) };
    first ??= message;
    // The first call keeps the model's own limit (2048 by default, the original's); later ones get DSPy's shorter one.
    const gen = await model.generate([...history, message], call ? { ...opts, maxTokens, temperature: 0 } : opts);
    gens.push(gen);
    completions.push(gen.text);
    filled = parseCompletion(sig, gen.text, filled);
    if (filled.answer !== undefined) break;
    // The first missing field is opened (set empty) and the next call continues from it.
    filled = filled.reasoning === undefined ? { reasoning: '' } : { ...filled, answer: '' };
    maxTokens = Math.min(Math.max(75, Math.floor(maxTokens / 2)), maxTokens);
  }
  return { answer: filled.answer ?? '', ...(filled.reasoning ? { reasoning: filled.reasoning } : {}), completions, prompt: first!.content, gens, message: first! };
}
