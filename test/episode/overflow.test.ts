/** A prompt over the model's context: shorter execution feedback and another call, then a scored failure (never an errored episode). */
import { describe, expect, it } from 'vitest';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { liveSource } from '../../src/episode/live-source.js';
import { PROFILES, type ProtocolOptions } from '../../src/episode/protocol.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { runEpisode } from '../../src/episode/runner.js';
import { parseSetting } from '../../src/episode/settings.js';
import { renderPrompt, signature } from '../../src/episode/signature.js';
import { retrimSchedule } from '../../src/episode/turn.js';
import { executionFeedback, truncateFeedback } from '../../src/feedback/execution.js';
import { createModel } from '../../src/models/factory.js';
import { ModelError, type ChatMessage, type GenerateOptions, type Generation } from '../../src/models/types.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { ScriptedModel } from '../helpers/scripted-model.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';
import { CODE, episode, HEADER, labelled, said, TASK } from './helpers.js';

const [server] = useMockServers(new MockOpenAIServer());
const FAILS_ALL = 'def task_func():\n    return 9  # fails: test_a,test_b,test_c,test_d';

async function run(setting: string, start: string, maxTurns = 1): Promise<{ rec: EpisodeRecord; sandbox: FakeSandbox }> {
  const coder = createModel(`vllm:m@${server.baseURL}`, { maxRetries: 0 }, { cache: false });
  const sandbox = new FakeSandbox();
  const o: ProtocolOptions = {
    profile: PROFILES.convcodeworld, setting: parseSetting(setting), maxTurns, history: 'none', maxCallsPerTurn: 3, timeoutS: 10, leakThreshold: 0.15, coderKind: 'vllm',
  };
  const rec: EpisodeRecord = { task_id: TASK.task_id, setting, model: coder.id, user_model: null, synthetic: false, turns: [], solved_at: null };
  const turn0 = { kind: 'samples' as const, file: 'samples.jsonl', solutions: new Map([[TASK.task_id, start]]) };
  await runEpisode(TASK, o, { coder, exec: new ExecCache(sandbox), source: liveSource(undefined), turn0 }, rec);
  return { rec, sandbox };
}

const promptOf = (i: number): string => server.requests[i]!.body.prompt as string;

describe('context overflow (vLLM 400 body from the mock server)', () => {
  it('follows the original schedule: 2000/4000 first, then 1000 off the longer side down to 0/0', () => {
    expect([...retrimSchedule()]).toEqual([
      { front: 2000, rear: 4000 }, { front: 2000, rear: 3000 }, { front: 2000, rear: 2000 }, { front: 2000, rear: 1000 },
      { front: 1000, rear: 1000 }, { front: 1000, rear: 0 }, { front: 0, rear: 0 },
    ]);
  });

  it('calls again with the execution feedback cut, and the turn goes on with the answer', async () => {
    server.answer = () => ' fix it.\n\nCode: ```python\n' + CODE.pass + '\n```';
    server.plan('context-length', 'context-length');
    const { rec } = await run('CF_EF_FULL', FAILS_ALL);
    expect(rec.error).toBeUndefined();
    expect(server.count).toBe(3);
    const full = executionFeedback((await new FakeSandbox().runUnittest({ solution: HEADER + FAILS_ALL, test: TASK.test } as never)), 'full', PROFILES.convcodeworld);
    // The refinement reaches vLLM as raw text: the rendered signature, the coder's stop, 2048 tokens, greedy.
    const values = { input: TASK.instruct_prompt, previous_code: FAILS_ALL, execution_feedback: full.text };
    expect(server.requests[0]!.path).toBe('/v1/completions');
    expect(server.requests[0]!.body).toEqual({
      model: 'm', prompt: renderPrompt(signature('coder-refine-exec-generic', values), values), temperature: 0, max_tokens: 2048, stop: ['\n\n---\n\n'], stream: false,
    });
    const first = truncateFeedback(full.untrimmed!, undefined, { front: 2000, rear: 4000 });
    const second = truncateFeedback(full.untrimmed!, undefined, { front: 2000, rear: 3000 });
    expect(first).toContain('\n...\n');
    expect(promptOf(1)).toContain(`Execution Feedback:\n${first}\n\n`);
    expect(promptOf(2)).toContain(`Execution Feedback:\n${second}\n\n`);
    expect(rec.turns[1]!.feedback!.execution).toBe(second);
    expect(rec.turns[1]!.status).toBe('pass');
    expect(rec.turns[1]!.modelFailure).toBeUndefined();
  });

  it('a prompt that never fits is the model failing the turn: scored, unchanged, the episode goes on', async () => {
    server.fallback = 'context-length';
    const { rec } = await run('CF_EF_FULL', FAILS_ALL, 2);
    expect(rec.error).toBeUndefined();
    // Per turn: the first call and one per step of the schedule.
    expect(server.count).toBe(2 * 8);
    expect(rec.turns.map((t) => [t.status, t.modelFailure])).toEqual([['fail', undefined], ['fail', 'CONTEXT_LENGTH'], ['fail', 'CONTEXT_LENGTH']]);
    expect(rec.turns[1]!.code).toBe(HEADER + FAILS_ALL);
    expect(rec.solved_at).toBeNull();
  });

  it('without execution feedback to cut (a compile fix), the first overflow fails the turn', async () => {
    server.fallback = 'context-length';
    const { rec } = await run('CF', CODE.syntax);
    expect(server.count).toBe(1);
    expect(rec.error).toBeUndefined();
    expect(rec.turns[1]!.modelFailure).toBe('CONTEXT_LENGTH');
    expect(rec.turns[1]!.compilation!.ok).toBe(false);
  });
});

describe('context overflow with scripted models', () => {
  it('a simulator prompt over the context is cut the same way, and the coder then sees the cut feedback too', async () => {
    class SmallWindow extends ScriptedModel {
      override async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
        if (messages[messages.length - 1]!.content.includes('TEST_C\n')) throw new ModelError('CONTEXT_LENGTH', 'small: prompt too long', { attempts: 1, status: 400 });
        return super.generate(messages, opts);
      }
    }
    const c = new ScriptedModel('coder', [labelled(FAILS_ALL), labelled(CODE.pass)]);
    const u = new SmallWindow('user', [said('Return 1.')]);
    const r = await episode('CF_EF_FULL_SEF', c, u, liveSource(u), { maxTurns: 1 });
    expect(r.rec.error).toBeUndefined();
    expect(u.calls).toHaveLength(1);
    const shown = r.rec.turns[1]!.feedback!.execution!;
    expect(shown).toContain('\n...\n');
    expect(shown).not.toContain('TEST_C');
    expect(u.calls[0]!.prompt).toContain(`Execution Feedback:\n${shown}`);
    expect(c.calls[1]!.prompt).toContain(`Execution Feedback:\n${shown}`);
    expect(r.rec.turns[1]!.status).toBe('pass');
  });
  it('a turn-0 prompt over the context is the model failing turn 0: an empty version, scored, and the episode goes on', async () => {
    class NoRoomAtFirst extends ScriptedModel {
      override async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
        if (opts.maxTokens === 1280) throw new ModelError('CONTEXT_LENGTH', 'small: prompt too long', { attempts: 1, status: 400 });
        return super.generate(messages, opts);
      }
    }
    const c = new NoRoomAtFirst('coder', [labelled(CODE.pass)]);
    const u = new ScriptedModel('user', []);
    const r = await episode('CF', c, u, liveSource(u), { maxTurns: 2 });
    expect(r.rec.error).toBeUndefined();
    expect(r.rec.turns[0]).toMatchObject({ modelFailure: 'CONTEXT_LENGTH', extractError: 'EMPTY_CODE', code: '' });
    expect(r.rec.turns.length).toBe(3);
  });
});
