import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, type WorldConfig } from '../../src/config/world.js';
import { ResponseCache } from '../../src/models/cache.js';
import { loadPrices } from '../../src/models/usage.js';
import { EpisodeRecordSchema } from '../../src/episode/record-schema.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { loadTasks } from '../../src/tasks/bigcodebench.js';
import { runWorld } from '../../src/world/run-world.js';
import { dockerReady } from '../helpers/docker.js';
import { MockAnthropicServer } from '../helpers/mock-anthropic-server.js';
import { MockOllamaServer } from '../helpers/mock-ollama-server.js';

const ready = dockerReady();
const SAMPLE = join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl');
const tasks = loadTasks(SAMPLE);

/** Coder: the reference solution for Sample/0, prose without code for anything else. */
const coderAnswer = (texts: string[]): string => {
  const t0 = tasks[0]!;
  return texts.join('\n').includes(t0.instruct_prompt.slice(0, 60)) ? '```python\n' + t0.code_prompt + t0.canonical_solution + '```' : 'Sorry, I cannot help with that.';
};
const userAnswer = (): string => 'Your answer has no code. Please write the function.';

describe.skipIf(!ready.ok)(`run-world with Anthropic and Ollama servers on 127.0.0.1${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const sb = new DockerSandbox({ parallel: 2 });
  let dir: string;
  let anthropic: MockAnthropicServer;
  let ollama: MockOllamaServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'providers-world-'));
    [anthropic, ollama] = await Promise.all([MockAnthropicServer.start(), MockOllamaServer.start(), sb.start()]);
  });
  afterAll(async () => {
    await Promise.all([sb.close(), anthropic.close(), ollama.close()]);
    await ResponseCache.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    anthropic.reset();
    ollama.reset();
  });

  const claude = (): string => `anthropic:claude-haiku-4-5@${anthropic.baseURL}`;
  const llama = (): string => `ollama:llama3.1:8b@${ollama.baseURL}`;
  const params = { maxRetries: 2, timeoutMs: 3_000 };
  // Protocol clean: turn 0 is the plain prompt's extraction, so a prose answer reaches the novice as a compile error.
  function config(name: string, over: Record<string, unknown>): WorldConfig {
    return resolveWorldConfig([
      { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
      {
        file: 'test',
        values: { dataset: SAMPLE, out: join(dir, name), cacheDir: join(dir, 'cache'), setting: 'CF_SNF', maxTurns: 1, ids: ['Sample/0', 'Sample/1'], cache: false, modelParams: params, userModelParams: params, protocol: 'clean', ...over },
      },
    ]);
  }
  const episodes = (runDir: string) =>
    readFileSync(join(runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => EpisodeRecordSchema.parse(JSON.parse(l)));

  it('Claude coder, Ollama user: episodes run, 429/500 are survived, usage and cost come out per role', async () => {
    anthropic.answer = coderAnswer;
    ollama.answer = userAnswer;
    anthropic.plan('429', '500'); // the first coder call needs three attempts
    ollama.plan('500');
    const r = await runWorld(config('claude-llama', { model: claude(), userModel: llama() }), { sandbox: sb });
    expect(r.summary.n_errors).toBe(0);
    const byId = Object.fromEntries(episodes(r.runDir).map((e) => [e.task_id, e]));
    expect(byId['Sample/0']!.solved_at).toBe(0);
    expect(byId['Sample/1']!.turns).toHaveLength(2);
    expect(byId['Sample/1']!.turns[1]!.feedback?.user).toContain('no code');
    expect(r.summary.model).toBe(claude());
    expect(r.summary.user_model).toBe(llama());
    const { coder, user } = r.summary.usage;
    // Three coder answers (Sample/0 t0, Sample/1 t0 and t1) and one user answer.
    expect(coder.calls).toBe(3);
    expect(user.calls).toBe(1);
    expect(user.input_tokens).toBeGreaterThan(0);
    const price = loadPrices()['anthropic:claude-haiku-4-5']!;
    expect(coder.cost_usd).toBeCloseTo((coder.input_tokens * price.input + coder.output_tokens! * price.output) / 1e6, 8);
    expect(user.cost_usd).toBeUndefined(); // a local Ollama model has no list price
    expect(anthropic.count).toBe(3 + 2);
    expect(ollama.count).toBe(1 + 1);
  });

  it('Ollama coder, Claude user: the Claude simulator is priced, and a rerun is served from the response cache', async () => {
    ollama.answer = coderAnswer;
    anthropic.answer = userAnswer;
    const c = (name: string) => config(name, { model: llama(), userModel: claude(), cache: true });
    const r = await runWorld(c('llama-claude'), { sandbox: sb });
    expect(r.summary.n_errors).toBe(0);
    const { coder, user } = r.summary.usage;
    expect(coder.input_tokens).toBeGreaterThan(0);
    expect(coder.cost_usd).toBeUndefined();
    expect(user.cost_usd).toBeGreaterThan(0);
    const calls = { ollama: ollama.count, anthropic: anthropic.count };
    const again = await runWorld(c('llama-claude-again'), { sandbox: sb });
    expect(again.stats.modelCalls).toEqual({ coder: 0, user: 0 });
    expect({ ollama: ollama.count, anthropic: anthropic.count }).toEqual(calls);
    expect(again.summary.usage).toEqual(r.summary.usage);
  });

  it('a provider that keeps failing, times out or sends malformed bodies ends episodes with an error, not the run', async () => {
    anthropic.fallback = '500';
    const bad = await runWorld(config('claude-500', { model: claude(), userModel: llama(), modelParams: { maxRetries: 1, timeoutMs: 3_000 } }), { sandbox: sb });
    expect(bad.summary.n_errors).toBe(2);
    for (const e of episodes(bad.runDir)) expect(e.error).toMatch(/anthropic:claude-haiku-4-5.*server error \(HTTP 500\) after 2 attempts/);

    anthropic.reset();
    anthropic.answer = coderAnswer;
    ollama.fallback = 'stall';
    ollama.slowMs = 5_000;
    const slow = await runWorld(config('llama-stall', { model: claude(), userModel: llama(), userModelParams: { maxRetries: 1, timeoutMs: 300 } }), { sandbox: sb });
    const byId = Object.fromEntries(episodes(slow.runDir).map((e) => [e.task_id, e]));
    expect(byId['Sample/0']!.error).toBeUndefined(); // solved at turn 0, the user was never asked
    expect(byId['Sample/1']!.error).toMatch(/ollama:llama3\.1:8b.*timed out after 2 attempts/);
    expect(slow.summary.n_errors).toBe(1);

    ollama.reset();
    ollama.fallback = 'malformed';
    const garbled = await runWorld(config('llama-malformed', { model: claude(), userModel: llama(), userModelParams: { maxRetries: 1, timeoutMs: 3_000 } }), { sandbox: sb });
    expect(episodes(garbled.runDir).find((e) => e.task_id === 'Sample/1')!.error).toMatch(/bad response after 2 attempts/);
  });
});
