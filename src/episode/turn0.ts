import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_STOP, codeFromAnswer } from '../feedback/extract.js';
import { isContextLengthError, type ChatMessage, type ChatModel, type GenerateOptions, type Generation } from '../models/types.js';
import { projectRoot } from '../sandbox/paths.js';
import type { Sandbox } from '../sandbox/types.js';
import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';
import { InfraError } from '../util/errors.js';
import { readJsonl } from '../util/jsonl.js';
import { UserError } from '../util/errors.js';
import { usageOf, type Judged } from './judge.js';
import { render, template } from './prompts.js';
import { BIGCODEBENCH_MAX_TOKENS, type ProtocolOptions } from './protocol.js';
import type { TurnRecord } from './record.js';

/** Turns an answer into BigCodeBench's sanitized solution (code the entry point needs). */
export type Sanitizer = (answer: string, task: Pick<BigCodeBenchTask, 'entry_point' | 'complete_prompt'>) => Promise<string>;

/** Where turn 0 comes from: a model call, or the solutions of an existing samples file. */
export type Turn0Source =
  | { kind: 'generate'; sanitize?: Sanitizer }
  | { kind: 'samples'; file: string; solutions: Map<string, string> };

/** Reads a BigCodeBench samples file ({task_id, solution}); each selected task must be present. */
export function loadSamples(file: string, taskIds: string[]): Turn0Source {
  const solutions = new Map<string, string>();
  readJsonl<Record<string, unknown>>(file).forEach((row, i) => {
    const id = row.task_id;
    const code = typeof row.solution === 'string' ? row.solution : row.raw_solution;
    if (typeof id !== 'string') throw new UserError('BAD_SAMPLES', `${file}:${i + 1}: missing task_id`);
    if (typeof code !== 'string') throw new UserError('BAD_SAMPLES', `${file}:${i + 1}: task ${id} has no "solution" text`);
    if (!solutions.has(id)) solutions.set(id, code);
  });
  const missing = taskIds.filter((id) => !solutions.has(id));
  if (missing.length) throw new UserError('BAD_SAMPLES', `${file}: no solution for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  return { kind: 'samples', file, solutions };
}

const SANITIZE_SOURCE = (): string => readFileSync(join(projectRoot, 'resources', 'python', 'bigcodebench_sanitize.py'), 'utf8');

/** The sanitizer run in the sandbox (it parses untrusted model output with Python's ast). */
export function sandboxSanitizer(sandbox: Sandbox): Sanitizer {
  const source = SANITIZE_SOURCE();
  return async (answer, task) => {
    const args = [answer, task.entry_point, task.complete_prompt].map((a) => `_json.loads(${JSON.stringify(JSON.stringify(a))})`).join(', ');
    const call = `\nimport json as _json\n__result__ = sanitize(${args})\n`;
    const [r] = await sandbox.runChecks([{ code: source + call, timeoutS: 20 }]);
    if (!r || !r.ok || typeof r.value !== 'string') throw new InfraError('SANITIZER', `the turn-0 sanitizer failed: ${r?.error?.split('\n').pop() ?? 'no result'}`);
    return r.value;
  };
}

/** BigCodeBench's stop strings for its vLLM generation, and the closing fence of the prefilled block. */
export const BIGCODEBENCH_VLLM_STOP = ['<|endoftext|>', '<|endofmask|>', '</s>', '\nif __name__', '\ndef main(', '\nprint(', '\n```\n'];

/**
 * BigCodeBench's turn-0 request for a coder kind: chat models get its direct prompt; a vLLM model
 * its chat prompt with the answer prefilled up to a python fence, stopping at the closing fence.
 */
export function bigcodebenchRequest(task: BigCodeBenchTask, kind: 'chat' | 'vllm'): { msg: ChatMessage; opts: GenerateOptions } {
  const problem = task.instruct_prompt.trim();
  if (kind === 'chat') {
    // Its direct prompt ends at the closing fence, with no newline.
    const content = render(template('coder-initial-bigcodebench-chat'), { problem }).replace(/\n$/, '');
    return { msg: { role: 'user', content }, opts: { role: 'coder', maxTokens: BIGCODEBENCH_MAX_TOKENS } };
  }
  return {
    msg: { role: 'user', content: render(template('coder-initial-bigcodebench'), { problem }) },
    opts: { role: 'coder', maxTokens: BIGCODEBENCH_MAX_TOKENS, prefill: template('coder-initial-bigcodebench-prefill'), stop: BIGCODEBENCH_VLLM_STOP },
  };
}

/** Version 0 of an episode and the record fields that say how it was made. */
export async function firstVersion(
  task: BigCodeBenchTask, header: string, o: ProtocolOptions,
  deps: { coder: ChatModel; turn0: Turn0Source; chat: ChatMessage[]; judge: (code: string) => Promise<Judged> },
): Promise<{ judged: Judged; extra: Partial<TurnRecord> }> {
  if (deps.turn0.kind === 'samples') {
    return { judged: await deps.judge(deps.turn0.solutions.get(task.task_id)!), extra: { fromSamples: true } };
  }
  // A prompt over the model's context is the model's failure: an empty version, scored, and the episode goes on.
  const overflowed = async (): Promise<{ judged: Judged; extra: Partial<TurnRecord> }> => ({
    judged: await deps.judge(o.profile.turn0 === 'bigcodebench' ? '' : header), extra: { steps: ['generate'], modelFailure: 'CONTEXT_LENGTH', extractError: 'EMPTY_CODE' },
  });
  if (o.profile.turn0 === 'bigcodebench') {
    if (!deps.turn0.sanitize) throw new InfraError('SANITIZER', 'BigCodeBench turn 0 needs a sanitizer');
    const { msg, opts } = bigcodebenchRequest(task, o.coderKind);
    const gen = await generateFitting(deps.coder, [msg], opts);
    if (!gen) return overflowed();
    // BigCodeBench's vLLM generator turns tabs into four spaces.
    const text = o.coderKind === 'vllm' ? gen.text.replace(/\t/g, '    ') : gen.text;
    if (o.history === 'full') deps.chat.push(msg, { role: 'assistant', content: (opts.prefill ?? '') + text });
    const code = await deps.turn0.sanitize(text, task);
    return { judged: await deps.judge(code), extra: { raw: gen.text, steps: ['generate'], usage: { coder: usageOf([gen]) }, ...(code.trim() ? {} : { extractError: 'EMPTY_CODE' as const }) } };
  }
  const msg: ChatMessage = { role: 'user', content: render(template('coder-initial'), { problem: task.instruct_prompt }) };
  const gen = await generateFitting(deps.coder, [msg], { role: 'coder', stop: [ANSWER_STOP] });
  if (!gen) return overflowed();
  if (o.history === 'full') deps.chat.push(msg, { role: 'assistant', content: gen.text });
  const ex = codeFromAnswer(gen.text);
  return {
    judged: await deps.judge(header + ex.code),
    extra: { raw: gen.text, fenced: ex.fenced, steps: ['generate'], usage: { coder: usageOf([gen]) }, ...(ex.error ? { extractError: ex.error } : {}) },
  };
}

/** The model's answer, or undefined when the prompt does not fit its context (nothing to shorten at turn 0). */
async function generateFitting(coder: ChatModel, messages: ChatMessage[], opts: GenerateOptions): Promise<Generation | undefined> {
  try {
    return await coder.generate(messages, opts);
  } catch (err) {
    if (isContextLengthError(err)) return undefined;
    throw err;
  }
}
