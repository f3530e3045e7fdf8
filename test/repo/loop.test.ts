import { describe, expect, it } from 'vitest';
import type { RepoExecCache } from '../../src/repo/exec-cache.js';
import { runItem, type LoopOptions } from '../../src/repo/loop.js';
import { ModelError, type ChatMessage, type ChatModel } from '../../src/models/types.js';
import type { RepoJob } from '../../src/repo/sandbox.js';
import { toyTask } from './fixture.js';

const task = toyTask();
const good = `def slug(self, title):\n    words = re.findall(r"\\w+", title)\n    return self.sep.join(w.lower() for w in words)`;
const O: LoopOptions = { benchmark: 'method_gen_multiturn', maxIter: 5, maxNumTests: 20, timeoutS: 60, modelArgs: { temperature: 0, maxTokens: 100, timeoutMs: 1000, maxRetries: 0, concurrency: 1 }, contextSource: 'file', maxContextSymb: 60000, think: false, repairContext: 'test', maxTestFeedbackSymb: 50 };

/** Passes when the candidate uses join(); the output is long so the feedback tail is visible. */
function fakeExec(jobs: RepoJob[]): RepoExecCache {
  return { judge: async (job: RepoJob) => {
    jobs.push(job);
    const ok = job.replace!.text.includes('join(w.lower()');
    const output = ok ? 'Ran 3 tests in 0.1s\n\nOK\n' : `${'x'.repeat(100)}\nRan 3 tests in 0.1s\n\nFAILED (failures=2)\n`;
    return { output, returncode: ok ? 0 : 1, timedOut: false, durationMs: 5, wallMs: 9, cached: false };
  } } as unknown as RepoExecCache;
}

function scripted(answers: string[], seen: ChatMessage[][]): ChatModel {
  let i = 0;
  return { id: 'scripted', synthetic: true, generate: async (m) => { seen.push(m.map((x) => ({ ...x }))); return { text: answers[i++] ?? '', usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0, cached: false }; } };
}

describe('runItem', () => {
  it('feeds back the tail of the failing output and stops when the tests pass', async () => {
    const jobs: RepoJob[] = [];
    const seen: ChatMessage[][] = [];
    const answers = ['no code at all', '```python\ndef slug(self, title):\n    return ""\n```', `\`\`\`python\n${good}\n\`\`\``];
    const r = await runItem(task, O, { model: scripted(answers, seen), exec: fakeExec(jobs) });
    expect(r.turns.map((t) => t.status)).toEqual(['NOT_RUN', 'FAILED', 'OK']);
    expect(r.stop_reason).toBe('passed_tests');
    expect(r.turns[1]!.pct).toBeCloseTo(1 / 3);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]!.replace).toMatchObject({ file: 'django/utils/toy.py', start: 9, end: 16 });
    expect(seen[0]![1]!.content).toMatch(/\/no_think$/);
    const fb = seen[2]![seen[2]!.length - 1]!.content;
    expect(fb).toMatch(/^Correct the answer\. Tests failed:\n```TEST_RESULT\n/);
    expect(fb).toContain('FAILED (failures=2)');
    expect(fb).not.toContain('x'.repeat(60)); // only the last 50 characters of the output
    expect(r.chrf).toBeGreaterThan(0);
  });

  it('stops at max_iter, runs completion in one turn, and reports a model error', async () => {
    const bad = '```python\ndef slug(self, title):\n    return ""\n```';
    const r = await runItem(task, { ...O, maxIter: 2 }, { model: scripted([bad, bad, bad], []), exec: fakeExec([]) });
    expect(r.turns).toHaveLength(2);
    expect(r.stop_reason).toBe('max_turns_reached');
    const c = await runItem(task, { ...O, benchmark: 'completion' }, { model: scripted([bad, bad], []), exec: fakeExec([]) });
    expect(c.turns).toHaveLength(1);
    const failing: ChatModel = { id: 'x', synthetic: false, generate: async () => { throw new Error('boom'); } };
    const e = await runItem(task, O, { model: failing, exec: fakeExec([]) });
    expect(e).toMatchObject({ stop_reason: 'generation_error', error: 'boom' });
  });

  it('on a context overflow drops the oldest answer and its feedback and calls again; with nothing to drop it is a generation error', async () => {
    const bad = '```python\ndef slug(self, title):\n    return ""\n```';
    const sent: number[] = [];
    let i = 0;
    // A window that holds the task and one answer with its feedback (4 messages), no more.
    const small: ChatModel = { id: 'small-window', synthetic: true, generate: async (m) => {
      sent.push(m.length);
      if (m.length > 4) throw new ModelError('CONTEXT_LENGTH', 'small-window: prompt too long', { attempts: 1, status: 400 });
      return { text: i++ < 2 ? bad : `\`\`\`python\n${good}\n\`\`\``, usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0, cached: false };
    } };
    const r = await runItem(task, O, { model: small, exec: fakeExec([]) });
    expect(r.turns.map((t) => t.status)).toEqual(['FAILED', 'FAILED', 'OK']);
    expect(sent).toEqual([2, 4, 6, 4]);
    const none: ChatModel = { id: 'tiny', synthetic: true, generate: async () => { throw new ModelError('CONTEXT_LENGTH', 'tiny: prompt too long', { attempts: 1, status: 400 }); } };
    const e = await runItem(task, O, { model: none, exec: fakeExec([]) });
    expect(e).toMatchObject({ stop_reason: 'generation_error', error: 'tiny: prompt too long' });
  });

  it('repair scores the method name the answer fixed', async () => {
    const r = await runItem(task, { ...O, benchmark: 'program_repair' }, { model: scripted([`\`\`\`python\n${good}\n\`\`\``], []), exec: fakeExec([]) });
    expect(r).toMatchObject({ stop_reason: 'passed_tests', match_method_name: true });
  });
});
