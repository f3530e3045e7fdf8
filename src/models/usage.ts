import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError, errorMessage } from '../util/errors.js';
import { DEFAULT_PRICES_FILE } from './paths.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation, ModelApi } from './types.js';

const PriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();
export const PriceTableSchema = z.object({ models: z.record(z.string(), PriceSchema) }).strict();
/** USD per 1M input / output tokens, by model name. */
export type PriceTable = Record<string, { input: number; output: number }>;

/** Reads and validates resources/prices.yaml (or another file); a bad entry is named by its key. */
export function loadPrices(file: string = DEFAULT_PRICES_FILE): PriceTable {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_PRICES', `${file}: malformed YAML (${firstLine(errorMessage(err))})`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` key "${issue.path.join('.')}":` : '';
    throw new UserError('BAD_PRICES', `${file}:${where} ${issue.message}`);
  }
  return parsed.data.models;
}

/** Model name inside an id: "openai:gpt-4o@http://..." -> "gpt-4o". */
export function modelNameOf(modelId: string): string {
  const colon = modelId.indexOf(':');
  const rest = colon < 0 ? modelId : modelId.slice(colon + 1);
  const at = rest.search(/@[a-z][a-z0-9+.-]*:\/\//i);
  return at < 0 ? rest : rest.slice(0, at);
}

/**
 * Cost of one call, or undefined when the model has no price. OpenAI models are keyed by their bare
 * name, every other provider's as "<provider>:<model>"; vllm:/compat: ids never match, since a local
 * server may serve anything under the name "gpt-4o".
 */
export function costOf(prices: PriceTable, modelId: string, inputTokens: number, outputTokens: number): number | undefined {
  const colon = modelId.indexOf(':');
  if (colon < 0) return undefined;
  const provider = modelId.slice(0, colon);
  const name = modelNameOf(modelId);
  if (provider === 'openai' && name.includes(':')) return undefined; // "openai:anthropic:x" is no Anthropic model
  const key = provider === 'openai' ? name : `${provider}:${name}`;
  const price = Object.hasOwn(prices, key) ? prices[key] : undefined;
  if (!price) return undefined;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

export interface RoleUsage {
  /** Calls that returned a generation. */
  calls: number;
  /** Calls served from the response cache (their tokens and cost still count: they describe the run). */
  cachedCalls: number;
  /** Calls that ended in an error. */
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls whose token counts are chars/4 estimates. */
  estimatedCalls: number;
  /** Absent when any call of this role was to a model without a price. */
  costUsd?: number;
  /** Model names the endpoints reported for this role's calls, in order of first sight (absent when none reported one). */
  servedModels?: string[];
}

export interface RoleUsageJson {
  calls: number;
  cached_calls: number;
  failed_calls: number;
  input_tokens: number;
  output_tokens: number;
  estimated_calls: number;
  cost_usd?: number;
  served_models?: string[];
}

/** Sums model calls per role (coder, user, reasoner). */
export class UsageTracker {
  private readonly roles = new Map<string, RoleUsage & { unpriced: boolean }>();

  constructor(private readonly prices: PriceTable = {}) {}

  /** A tracker priced from resources/prices.yaml. */
  static withDefaultPrices(): UsageTracker {
    return new UsageTracker(loadPrices());
  }

  record(role: string, modelId: string, gen: Generation): void {
    const r = this.slot(role);
    r.calls++;
    if (gen.cached) r.cachedCalls++;
    if (gen.usage.estimated) r.estimatedCalls++;
    r.inputTokens += gen.usage.inputTokens;
    r.outputTokens += gen.usage.outputTokens;
    const cost = costOf(this.prices, modelId, gen.usage.inputTokens, gen.usage.outputTokens);
    if (cost === undefined) r.unpriced = true;
    else r.costUsd = (r.costUsd ?? 0) + cost;
    if (gen.servedModel && !r.servedModels?.includes(gen.servedModel)) (r.servedModels ??= []).push(gen.servedModel);
  }

  /** Model names the endpoints reported for a role (e.g. the dated snapshot a simulator alias resolved to). */
  servedModels(role: string): string[] {
    return [...(this.roles.get(role)?.servedModels ?? [])];
  }

  /** A call that ended in an error; it is not counted in `calls`. */
  recordFailure(role: string): void {
    this.slot(role).failedCalls++;
  }

  /** Usage of one role (zeros when it made no calls). */
  get(role: string): RoleUsage {
    return strip(this.roles.get(role) ?? blank());
  }

  byRole(): Record<string, RoleUsage> {
    return Object.fromEntries([...this.roles].map(([role, r]) => [role, strip(r)]));
  }

  /** Sum over roles. */
  total(): RoleUsage {
    const t = blank();
    for (const r of this.roles.values()) {
      t.calls += r.calls;
      t.cachedCalls += r.cachedCalls;
      t.failedCalls += r.failedCalls;
      t.inputTokens += r.inputTokens;
      t.outputTokens += r.outputTokens;
      t.estimatedCalls += r.estimatedCalls;
      t.unpriced ||= r.unpriced;
      for (const m of r.servedModels ?? []) if (!t.servedModels?.includes(m)) (t.servedModels ??= []).push(m);
      if (r.costUsd !== undefined) t.costUsd = (t.costUsd ?? 0) + r.costUsd;
    }
    return strip(t);
  }

  toJSON(): Record<string, RoleUsageJson> {
    return Object.fromEntries(Object.entries(this.byRole()).map(([role, r]) => [role, snake(r)]));
  }

  private slot(role: string): RoleUsage & { unpriced: boolean } {
    let r = this.roles.get(role);
    if (!r) this.roles.set(role, (r = blank()));
    return r;
  }
}

function blank(): RoleUsage & { unpriced: boolean } {
  return { calls: 0, cachedCalls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0, estimatedCalls: 0, unpriced: false };
}

// A partial sum would understate the cost, so one unpriced call makes the role's cost unknown.
function strip(r: RoleUsage & { unpriced: boolean }): RoleUsage {
  const { unpriced, costUsd, servedModels, ...base } = r;
  const rest: RoleUsage = servedModels ? { ...base, servedModels: [...servedModels] } : base;
  return unpriced || costUsd === undefined ? rest : { ...rest, costUsd: round(costUsd) };
}

function snake(r: RoleUsage): RoleUsageJson {
  return {
    calls: r.calls,
    cached_calls: r.cachedCalls,
    failed_calls: r.failedCalls,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    estimated_calls: r.estimatedCalls,
    ...(r.costUsd !== undefined ? { cost_usd: r.costUsd } : {}),
    ...(r.servedModels ? { served_models: r.servedModels } : {}),
  };
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Calls and tokens of one role in a summary, with the cost when the model has a price. */
export interface SummaryUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  /** Calls served from the response cache (known only where calls are recorded one by one). */
  cached_calls?: number;
  /** Calls whose token counts are chars/4 estimates (known only where calls are recorded one by one). */
  estimated_calls?: number;
  cost_usd?: number;
}

/** Calls and tokens of one role as records store them. */
export type UsageCounts = Pick<SummaryUsage, 'calls' | 'input_tokens' | 'output_tokens'>;

export const zeroCounts = (): UsageCounts => ({ calls: 0, input_tokens: 0, output_tokens: 0 });

export function addCounts(acc: UsageCounts, u: UsageCounts): void {
  acc.calls += u.calls;
  acc.input_tokens += u.input_tokens;
  acc.output_tokens += u.output_tokens;
}

/** What a run keeps of one model call: a Generation, or a record's already summed counts. */
export type UsageEntry =
  | Pick<Generation, 'usage' | 'cached'>
  | UsageCounts;

/**
 * The usage block of a summary, from one role's calls, for every command: calls and tokens, cache
 * hits and estimates when the calls are single generations, and the cost when `modelId` has a price
 * (cost and cache hits describe the run, so cached calls are counted).
 */
export function usageBlock(entries: Iterable<UsageEntry>, prices: PriceTable, modelId: string | null): SummaryUsage {
  const u = zeroCounts();
  let cached = 0;
  let estimated = 0;
  let single = false;
  for (const e of entries) {
    if ('usage' in e) {
      single = true;
      addCounts(u, { calls: 1, input_tokens: e.usage.inputTokens, output_tokens: e.usage.outputTokens });
      if (e.cached) cached++;
      if (e.usage.estimated) estimated++;
    } else addCounts(u, e);
  }
  const out: SummaryUsage = single ? { ...u, cached_calls: cached, estimated_calls: estimated } : { ...u };
  const cost = modelId ? costOf(prices, modelId, u.input_tokens, u.output_tokens) : undefined;
  if (cost !== undefined) out.cost_usd = cost;
  return out;
}

/** Records every call of the inner model in a tracker, under the call's role. */
export class TrackedModel implements ChatModel {
  readonly id: string;
  readonly synthetic: boolean;
  readonly api?: ModelApi;
  constructor(
    readonly inner: ChatModel,
    readonly tracker: UsageTracker,
  ) {
    this.id = inner.id;
    this.synthetic = inner.synthetic;
    if (inner.api) this.api = inner.api;
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    let gen: Generation;
    try {
      gen = await this.inner.generate(messages, opts);
    } catch (err) {
      this.tracker.recordFailure(opts.role);
      throw err;
    }
    this.tracker.record(opts.role, this.id, gen);
    return gen;
  }
}
