import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../../models/types.js';
import { unitHash } from '../offline.js';
import { functionFromPrompt } from './prompt.js';

/** What synth_ast.analyse reports about one function. */
export interface FunctionFacts {
  name?: string;
  params?: { name: string; kind: string; hints: string[]; annotation?: string; default?: string; default_type?: string }[];
  literals?: { type: string; text: string }[];
  error?: string;
}

type ValueType = 'int' | 'float' | 'number' | 'str' | 'bytes' | 'list' | 'dict' | 'set' | 'tuple' | 'bool' | 'any';

/** Values the writer draws from, as Python source text. */
const POOLS: Record<Exclude<ValueType, 'number' | 'any'>, string[]> = {
  int: ['0', '1', '2', '3', '5', '7', '10', '42', '-1', '100'],
  float: ['0.0', '1.5', '-2.25', '3.14159', '100.0', '0.5', '2.0', '-0.1', '0.001', '10.75'],
  str: ['"hello"', '"Hello, World!"', '""', '"a,b,c"', '"abc123"', '"  padded  "', '"x"', '"path/to/file.txt"', '"CamelCase"', '"42"'],
  bytes: ['b"abc"', 'b""', 'b"\\x00\\xff"', 'b"hello world"', 'b"A"', 'b"12345"', 'b"\\n\\t"', 'b"spam eggs"'],
  list: ['[1, 2, 3]', '[]', '[3, 1, 2]', '["a", "b", "c"]', '[1, 2, 2, 3]', '[0]', '[10, -5, 7]', '[1, "a", None]', '[[1, 2], [3]]', '[5, 4, 3, 2, 1]'],
  dict: ['{"a": 1, "b": 2}', '{}', '{"key": "value"}', '{1: "one", 2: "two"}', '{"x": [1, 2]}', '{"n": 0}'],
  set: ['{1, 2, 3}', 'set()', '{"a", "b"}', '{0}'],
  tuple: ['(1, 2)', '()', '("a", 1)', '(0, 0, 0)', '(3, 4)'],
  bool: ['True', 'False'],
};

const NAME_RULES: [RegExp, ValueType][] = [
  [/^(is|has|use|allow|enable|strict|verbose|reverse|recursive|ignore|force|quiet|debug|flag)(_|$)|_(flag|enabled)$/i, 'bool'],
  [/^(n|i|j|k|m|num|count|size|length|width|height|index|idx|level|depth|pos|start|end|stop|step|offset|limit|year|month|day|hour|minute|second|port|base|bits?|times|maxsplit|indent|tabsize|lineno|col)$|(_count|_size|_len|_num|_index|_n)$|^(num|n|max|min)_/i, 'int'],
  [/^(x|y|z|a|b|value|val|number|ratio|rate|factor|scale|alpha|beta|weight|prob\w*|threshold|eps\w*|tol|amount|total)$/i, 'number'],
  [/(bytes|buf|buffer|payload|blob|raw|octets)$/i, 'bytes'],
  [/(dict|map|mapping|table|config|kwargs|options|params|env|headers|attrs)$/i, 'dict'],
  [/(list|items|arr|array|seq|sequence|values|nums|numbers|lst|elements|words|lines|args|vals|iterable|rows|pairs)$/i, 'list'],
  [/(name|text|string|^s$|str|word|line|path|file\w*|prefix|suffix|sep|char|url|key|msg|message|pattern|fmt|format|encoding|mode|label|title|tag|token|host|sentence|doc|source|src|code|cmd|ext|dir\w*)$/i, 'str'],
];

function annotationType(a: string): ValueType | undefined {
  const rules: [RegExp, ValueType][] = [
    [/\bbool\b/, 'bool'], [/\bint\b/, 'int'], [/\bfloat\b/, 'float'], [/\bstr\b/, 'str'], [/\bbytes\b/, 'bytes'],
    [/\b(dict|Dict|Mapping)\b/, 'dict'], [/\b(set|Set|frozenset)\b/, 'set'], [/\b(tuple|Tuple)\b/, 'tuple'],
    [/\b(list|List|Sequence|Iterable)\b/, 'list'],
  ];
  return rules.find(([re]) => re.test(a))?.[1];
}

function paramType(p: NonNullable<FunctionFacts['params']>[number]): ValueType {
  const fromAnnotation = p.annotation ? annotationType(p.annotation) : undefined;
  if (fromAnnotation) return fromAnnotation;
  if (p.default_type && p.default_type in POOLS) return p.default_type as ValueType;
  if (p.hints.length) {
    const tally = new Map<string, number>();
    for (const h of p.hints) tally.set(h, (tally.get(h) ?? 0) + 1);
    return [...tally.entries()].sort((a, b) => b[1] - a[1])[0]![0] as ValueType;
  }
  return NAME_RULES.find(([re]) => re.test(p.name))?.[1] ?? 'any';
}

/** Candidate values for one parameter: body literals of its type first, then its default, then the pool. */
function candidates(type: ValueType, p: NonNullable<FunctionFacts['params']>[number], literals: { type: string; text: string }[]): string[] {
  const types: string[] = type === 'number' ? ['int', 'float'] : type === 'any' ? ['int', 'str', 'list'] : [type];
  const out: string[] = [];
  for (const l of literals) if (types.includes(l.type)) out.push(l.text);
  if (p.default !== undefined && p.default !== 'None') out.push(p.default);
  for (const t of types) out.push(...POOLS[t as keyof typeof POOLS]);
  return [...new Set(out)];
}

/** Ten distinct example calls, written as `dict(name=value, ...)` lines. */
export function writeExamples(facts: FunctionFacts, seed = 0, count = 10): string[] {
  const params = (facts.params ?? []).filter((p) => p.kind !== 'positional_only');
  const literals = facts.literals ?? [];
  const cands = params.map((p) => candidates(paramType(p), p, literals));
  const offsets = params.map((p) => Math.floor(unitHash(seed, facts.name ?? '', p.name) * 1000));
  const lines: string[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; lines.length < count && attempt < count * 4; attempt++) {
    const parts: string[] = [];
    params.forEach((p, k) => {
      // Optional arguments are left out now and then so that their defaults are exercised too.
      if (p.default !== undefined && (attempt + k) % 4 === 3) return;
      const c = cands[k]!;
      // Later arguments advance more slowly, so combinations vary instead of moving in lockstep.
      const idx = (offsets[k]! + attempt + Math.floor(attempt / (k + 2)) * k) % c.length;
      parts.push(`${p.name}=${c[idx]}`);
    });
    const line = `dict(${parts.join(', ')})`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}

/** The reply text the writer gives: a one-line reading of the types, then the examples block. */
export function offlineReply(facts: FunctionFacts, seed = 0): string {
  if (facts.error || !facts.params) return `I cannot read this function (${facts.error ?? 'no parameters'}).`;
  const types = facts.params.map((p) => `${p.name}: ${paramType(p)}`).join(', ');
  const body = writeExamples(facts, seed).map((l) => `    ${l},`).join('\n');
  return `Argument types (guessed from names, defaults and literals): ${types}.\n\n\`\`\`python\nexamples = [\n${body}\n]\n\`\`\`\n`;
}

/**
 * Offline input writer: a synthetic model that answers the input-writing prompt without a network.
 * It is built with a lookup from function source (the prompt's last python block) to the facts
 * synth_ast.analyse found, so it needs nothing beyond the messages at call time.
 */
export class OfflineInputWriter implements ChatModel {
  readonly id = 'offline-inputs';
  readonly synthetic = true;
  readonly behaviour = 'synth-inputs-1';

  constructor(
    private readonly factsBySource: (source: string) => FunctionFacts | undefined,
    private readonly seed = 0,
  ) {}

  generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const source = functionFromPrompt(user);
    const facts = source === undefined ? undefined : this.factsBySource(sourceKey(source));
    const text = facts ? offlineReply(facts, this.seed + (opts.sampleIndex ?? 0)) : '';
    return Promise.resolve({
      text,
      usage: { inputTokens: Math.ceil(user.length / 4), outputTokens: Math.ceil(text.length / 4), estimated: true },
      latencyMs: 0,
      cached: false,
    });
  }
}

/** The form under which function sources are looked up (trailing whitespace does not count). */
export function sourceKey(source: string): string {
  return source.replace(/\s+$/, '');
}
