/** Replays go through the same turn loop: the basis is the reference's version, user feedback is read from its log. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/replay/bench.js';
import type { StaticEpisodeRecord } from '../../src/replay/types.js';
import { fakeLiveRun, sampleTasks } from './helpers.js';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { PROFILES, type ProtocolOptions } from '../../src/episode/protocol.js';
import { parseSetting } from '../../src/episode/settings.js';
import { benchEpisode } from '../../src/replay/episode.js';
import type { ReferenceTask } from '../../src/replay/types.js';
import { CODE, FENCED, HEADER, labelled, shows, TASK } from '../episode/helpers.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { answer, ScriptedModel } from '../helpers/scripted-model.js';

const options = (setting: string, protocol: 'convcodeworld' | 'clean'): ProtocolOptions => ({
  profile: PROFILES[protocol], setting: parseSetting(setting), maxTurns: 3, history: 'none', maxCallsPerTurn: 3, timeoutS: 10, leakThreshold: 0.15, coderKind: 'chat',
});

async function replay(setting: string, rt: ReferenceTask, coderScript: string[], protocol: 'convcodeworld' | 'clean' = 'convcodeworld') {
  // Answers are written as a model following the profile's prompt layout would write them.
  const write = PROFILES[protocol].prompts === 'signature' ? labelled : (c: string): string => answer(c);
  const coder = new ScriptedModel('target', coderScript.map(write), write(CODE.pass));
  const rec = await benchEpisode(TASK, rt, options(setting, protocol), 'ref', { coder, exec: new ExecCache(new FakeSandbox()), turn0: { kind: 'generate', sanitize: FENCED } });
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
    expect(shows(p, 'Previous code', HEADER + CODE.failA)).toBe(true);
    expect(shows(p, 'Execution feedback', 'TEST_A\n')).toBe(true);
    expect(shows(p, 'User feedback', 'The first check fails; return the expected value.')).toBe(true);
    expect(rec.turns[1]!.feedback).toMatchObject({ replayed: true, user: 'The first check fails; return the expected value.' });
    expect(rec.turns[1]!.input).toMatchObject({ from: 'reference', turn: 0, status: 'fail', logged_passed: false });
    expect(rec.turns[1]!.usage?.user).toBeUndefined();
    // convcodeworld prepends the import header to the copied code too.
    expect(rec.turns[2]).toMatchObject({ copied: true, status: 'pass', code: HEADER + HEADER + CODE.pass });
  });

  it('a novice log with visible tests passing: no call, the reference\'s code stands as the version (convcodeworld: with the header prepended)', async () => {
    const rt: ReferenceTask = { task_id: TASK.task_id, turns: [0, 1, 2].map((turn) => ({ turn, code: HEADER + CODE.failD, passed: false, user_feedback: null })) };
    for (const [protocol, code] of [['convcodeworld', HEADER + HEADER + CODE.failD], ['clean', HEADER + CODE.failD]] as const) {
      const { rec, coder } = await replay('CF_EF_UNIT_SNF', rt, [CODE.failB], protocol);
      expect(coder.calls).toHaveLength(1);
      expect(rec.turns.slice(1).every((t) => t.unchanged && t.code === code)).toBe(true);
    }
  });

  it('convcodeworld reads the execution feedback from the log (only compilation feedback is recomputed); clean recomputes it', async () => {
    const logged = 'TEST_C\nAssertionError: as the reference\'s environment reported it\n';
    const rt: ReferenceTask = {
      task_id: TASK.task_id,
      turns: [
        { turn: 0, code: HEADER + CODE.failA, passed: false, compilation_feedback: 'No syntax errors', execution_feedback: logged, user_feedback: 'Look at the first check.' },
        { turn: 1, code: HEADER + CODE.pass, passed: true },
      ],
    };
    const ccw = await replay('CF_EF_FULL_SEF', rt, [CODE.failB, CODE.pass]);
    expect(shows(ccw.coder.calls[1]!.prompt, 'Execution feedback', logged)).toBe(true);
    expect(ccw.rec.turns[1]!.feedback).toMatchObject({ execution: logged, drift: ['execution'] });
    const clean = await replay('CF_EF_FULL_SEF', rt, [CODE.failB, CODE.pass], 'clean');
    expect(shows(clean.coder.calls[1]!.prompt, 'Execution feedback', 'TEST_A\n')).toBe(true);
    expect(clean.coder.calls[1]!.prompt).not.toContain(logged);
  });
});

describe('run-bench turn 0', () => {
  it('--turn0 samples.jsonl gives the target\'s turn 0 with no call; the summary names it and the reference\'s protocol', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-turn0-'));
    try {
      const ref = fakeLiveRun(join(dir, 'ref'), { setting: 'CF_EF_FULL_SEF', model: 'offline:0.3', maxTurns: 2, solvedAt: [null, null] });
      const ids = sampleTasks().slice(0, 2).map((t) => t.task_id);
      const file = join(dir, 'samples.jsonl');
      writeFileSync(file, ids.map((id) => JSON.stringify({ task_id: id, solution: 'def task_func():\n    return 0  # fails: test_x' })).join('\n') + '\n');
      const coder = new ScriptedModel('target', [], answer(CODE.pass));
      const r = await runBench({ reference: ref, model: 'offline', out: join(dir, 'bench'), turn0Samples: file, cache: false }, { sandbox: new FakeSandbox(), coder });
      const recs = readFileSync(join(r.runs[0]!.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StaticEpisodeRecord);
      expect(recs.map((x) => x.turns[0]!.fromSamples)).toEqual([true, true]);
      expect(recs.every((x) => !(x.turns[0]!.steps ?? []).length)).toBe(true);
      expect(r.runs[0]!.summary.comparability).toMatchObject({ protocol: 'convcodeworld', turn0_prompt: 'samples' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
