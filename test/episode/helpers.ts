import { ExecCache } from '../../src/episode/exec-cache.js';
import { liveSource } from '../../src/episode/live-source.js';
import type { ProtocolOptions } from '../../src/episode/protocol.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { runEpisode, type EpisodeSource } from '../../src/episode/runner.js';
import { parseSetting } from '../../src/episode/settings.js';
import type { Turn0Source } from '../../src/episode/turn0.js';
import type { BigCodeBenchTask } from '../../src/tasks/bigcodebench.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { answer, ScriptedModel } from '../helpers/scripted-model.js';

/** A task whose test class has a helper class first, so the original's AST-walk quirk differs from source order. */
export const TASK: BigCodeBenchTask = {
  task_id: 'T/1',
  complete_prompt: '',
  instruct_prompt: 'Write task_func() that returns 1.',
  code_prompt: 'import os\nLIMIT = 3\ndef task_func():\n',
  canonical_solution: '    return 1\n',
  entry_point: 'task_func',
  test: [
    'import unittest', 'class Helper:', '    def prepare(self):', '        pass',
    'class TestCases(unittest.TestCase):', '    def setUp(self):', '        self.x = 1',
    '    def test_a(self):', '        pass', '    def test_b(self):', '        pass',
    '    def test_c(self):', '        pass', '    def test_d(self):', '        pass', '',
  ].join('\n'),
};

/** Code versions and how the fake sandbox judges them. */
export const CODE = {
  pass: 'def task_func():\n    return 1',
  failA: 'def task_func():\n    return 2  # fails: test_a',
  failB: 'def task_func():\n    return 3  # fails: test_b',
  failD: 'def task_func():\n    return 4  # fails: test_d',
  silent: 'def task_func():\n    return 5  # fails-silently',
  syntax: 'def task_func()  # <<syntax>>\n    return 1',
};
export const HEADER = 'import os\nLIMIT = 3\n';

export interface Run {
  rec: EpisodeRecord;
  coder: ScriptedModel;
  user: ScriptedModel;
  sandbox: FakeSandbox;
}

/** One live episode on TASK with scripted coder answers (code bodies) and user texts. */
export async function live(setting: string, coder: string[], user: string[] = [], over: Partial<ProtocolOptions> = {}, turn0?: Turn0Source): Promise<Run> {
  const c = new ScriptedModel('scripted-coder', coder.map((code) => answer(code)), answer(CODE.pass));
  const u = new ScriptedModel('scripted-user', user, 'Please look again.');
  return episode(setting, c, u, liveSource(u), over, turn0);
}

export async function episode(setting: string, c: ScriptedModel, u: ScriptedModel, source: EpisodeSource, over: Partial<ProtocolOptions> = {}, turn0: Turn0Source = { kind: 'generate' }): Promise<Run> {
  const sandbox = new FakeSandbox();
  const o: ProtocolOptions = {
    setting: parseSetting(setting), maxTurns: 3, history: 'none', compat: false, maxCallsPerTurn: 3, timeoutS: 10, leakThreshold: 0.15, turn0: 'plain', ...over,
  };
  const rec: EpisodeRecord = { task_id: TASK.task_id, setting, model: c.id, user_model: u.id, synthetic: false, turns: [], solved_at: null };
  await runEpisode(TASK, o, { coder: c, exec: new ExecCache(sandbox), source, turn0 }, rec);
  return { rec, coder: c, user: u, sandbox };
}

/** A coder answer in the original's layout: reasoning, then the code after the answer label. */
export const labelled = (code: string): string => ` fix the error. We change the returned value.\n\nCode: \`\`\`python\n${code}\n\`\`\``;
/** A simulator answer in the original's layout. */
export const said = (text: string): string => ` produce the user_feedback. We read the feedback.\n\nUser Feedback: ${text}`;

/** One live episode under the original's prompt layout (compat), answers labelled as a model following it would write them. */
export async function liveSig(setting: string, coder: string[], user: string[] = [], over: Partial<ProtocolOptions> = {}): Promise<Run> {
  const c = new ScriptedModel('scripted-coder', coder.map(labelled), labelled(CODE.pass));
  const u = new ScriptedModel('scripted-user', user.map(said), said('Please look again.'));
  return episode(setting, c, u, liveSource(u), { compat: true, ...over });
}

/** Model calls of each turn, as recorded. */
export const stepsOf = (r: Run): string[][] => r.rec.turns.map((t) => t.steps ?? []);
