/** Replays go through the same turn loop: the basis is the reference's version, user feedback is read from its log. */
import { describe, expect, it } from 'vitest';
import { ExecCache } from '../../src/episode/exec-cache.js';
import type { ProtocolOptions } from '../../src/episode/protocol.js';
import { parseSetting } from '../../src/episode/settings.js';
import { benchEpisode } from '../../src/replay/episode.js';
import type { ReferenceTask } from '../../src/replay/types.js';
import { CODE, HEADER, TASK } from '../episode/helpers.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { answer, ScriptedModel } from '../helpers/scripted-model.js';

const options = (setting: string): ProtocolOptions => ({
  setting: parseSetting(setting), maxTurns: 3, history: 'none', compat: false, maxCallsPerTurn: 3, timeoutS: 10, leakThreshold: 0.15, turn0: 'plain',
});

async function replay(setting: string, rt: ReferenceTask, coderScript: string[]) {
  const coder = new ScriptedModel('target', coderScript.map((c) => answer(c)), answer(CODE.pass));
  const rec = await benchEpisode(TASK, rt, options(setting), 'ref', { coder, exec: new ExecCache(new FakeSandbox()), turn0: { kind: 'generate' } });
  return { rec, coder };
}

describe('replay through the shared loop', () => {
  it('refines the reference\'s version with its logged user feedback, and copies a passing reference version', async () => {
    const rt: ReferenceTask = {
      task_id: TASK.task_id,
      turns: [
        { turn: 0, code: HEADER + CODE.failA, passed: false, user_feedback: 'The first check fails; return the expected value.' },
        { turn: 1, code: HEADER + CODE.pass, passed: true },
      ],
    };
    const { rec, coder } = await replay('CF_EF_FULL_SEF', rt, [CODE.failB, CODE.failD]);
    expect(rec.turns.map((t) => t.steps ?? [])).toEqual([['generate'], ['refine-user'], [], []]);
    expect(rec.reference_pass).toEqual([false, true, true]);
    const p = coder.calls[1]!.prompt;
    expect(p).toContain('Previous code:\n```python\n' + HEADER + CODE.failA);
    expect(p).toContain('Execution feedback:\nTEST_A\n');
    expect(p).toContain('User feedback:\nThe first check fails; return the expected value.');
    expect(rec.turns[1]!.feedback).toMatchObject({ replayed: true, user: 'The first check fails; return the expected value.' });
    expect(rec.turns[1]!.input).toMatchObject({ from: 'reference', turn: 0, status: 'fail', logged_passed: false });
    expect(rec.turns[1]!.usage?.user).toBeUndefined();
    expect(rec.turns[2]).toMatchObject({ copied: true, status: 'pass', code: HEADER + CODE.pass });
  });

  it('a novice log with visible tests passing: no call, the reference\'s code stands as the version', async () => {
    const rt: ReferenceTask = { task_id: TASK.task_id, turns: [0, 1, 2].map((turn) => ({ turn, code: HEADER + CODE.failD, passed: false, user_feedback: null })) };
    const { rec, coder } = await replay('CF_EF_UNIT_SNF', rt, [CODE.failB]);
    expect(coder.calls).toHaveLength(1);
    expect(rec.turns.slice(1).every((t) => t.unchanged && t.code === HEADER + CODE.failD)).toBe(true);
  });
});
