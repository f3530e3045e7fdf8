import { ExecCache } from '../../src/episode/exec-cache.js';
import { liveSource } from '../../src/episode/live-source.js';
import { PROFILES, type ProtocolOptions } from '../../src/episode/protocol.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { runEpisode, type EpisodeSource } from '../../src/episode/runner.js';
import { parseSetting } from '../../src/episode/settings.js';
import type { Sanitizer, Turn0Source } from '../../src/episode/turn0.js';
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

/** Stands in for BigCodeBench's sanitizer with the fake sandbox: the first python block as it is, marker comments kept. */
export const FENCED: Sanitizer = async (answer) => /```python\n([\s\S]*?)\n```/.exec(answer)?.[1] ?? '';

/** Turn 0 from a samples file holding `code` (no call), e.g. a version that does not compile. */
export const samples = (code: string): Turn0Source => ({ kind: 'samples', file: 'samples.jsonl', solutions: new Map([[TASK.task_id, code]]) });

/** Options for the corrected protocol. */
export const CLEAN: Partial<ProtocolOptions> = { profile: PROFILES.clean };

/** One live episode on TASK with scripted coder answers (code bodies) and user texts; the default protocol unless `over` says. */
export async function live(setting: string, coder: string[], user: string[] = [], over: Partial<ProtocolOptions> = {}, turn0?: Turn0Source): Promise<Run> {
  // Scripted answers are written as a model following the profile's prompt layout would write them.
  const sig = (over.profile ?? PROFILES.convcodeworld).prompts === 'signature';
  const code = sig ? labelled : (c: string): string => answer(c);
  const c = new ScriptedModel('scripted-coder', coder.map(code), code(CODE.pass));
  const u = new ScriptedModel('scripted-user', sig ? user.map(said) : user, sig ? said('Please look again.') : 'Please look again.');
  return episode(setting, c, u, liveSource(u), over, turn0);
}

export async function episode(setting: string, c: ScriptedModel, u: ScriptedModel, source: EpisodeSource, over: Partial<ProtocolOptions> = {}, turn0: Turn0Source = { kind: 'generate', sanitize: FENCED }): Promise<Run> {
  const sandbox = new FakeSandbox();
  const o: ProtocolOptions = {
    profile: PROFILES.convcodeworld, setting: parseSetting(setting), maxTurns: 3, history: 'none', maxCallsPerTurn: 3, timeoutS: 10, leakThreshold: 0.15, coderKind: 'chat', ...over,
  };
  const rec: EpisodeRecord = { task_id: TASK.task_id, setting, model: c.id, user_model: u.id, synthetic: false, turns: [], solved_at: null };
  await runEpisode(TASK, o, { coder: c, exec: new ExecCache(sandbox), source, turn0 }, rec);
  return { rec, coder: c, user: u, sandbox };
}

/** A coder answer in the original's layout: reasoning, then the code after the answer label. */
export const labelled = (code: string): string => ` fix the error. We change the returned value.\n\nCode: \`\`\`python\n${code}\n\`\`\``;
/** A simulator answer in the original's layout. */
export const said = (text: string): string => ` produce the user_feedback. We read the feedback.\n\nUser Feedback: ${text}`;

/** One live episode under the original's prompt layout (the default profile). */
export const liveSig = (setting: string, coder: string[], user: string[] = [], over: Partial<ProtocolOptions> = {}): Promise<Run> => live(setting, coder, user, over);

/** Model calls of each turn, as recorded. */
export const stepsOf = (r: Run): string[][] => r.rec.turns.map((t) => t.steps ?? []);

const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label in either layout's capitals ("Execution feedback" or "Execution Feedback"); the value stays exact. */
const anyCase = (label: string): string => [...label].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : esc(ch))).join('');
/** Whether a prompt shows `value` under the label `label`, in either layout (plain templates or DSPy's, fenced or raw). */
export const shows = (prompt: string, label: string, value = ''): boolean => new RegExp(`${anyCase(label)}:\\s*(\`\`\`(python)?\\n)?${esc(value)}`).test(prompt);
/** Whether a prompt has a field with this label (either layout). */
export const hasField = (prompt: string, label: string): boolean => new RegExp(`(^|\\n)${anyCase(label)}:`).test(prompt);
