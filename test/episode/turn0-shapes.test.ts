/**
 * Turn 0 under the default protocol with answers in the shapes real models give, sanitized and
 * judged in the local sandbox as BigCodeBench would (its sanitizer, then the calibrated program).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { liveSource } from '../../src/episode/live-source.js';
import { PROFILES, type ProtocolOptions } from '../../src/episode/protocol.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { runEpisode } from '../../src/episode/runner.js';
import { parseSetting } from '../../src/episode/settings.js';
import { sandboxSanitizer } from '../../src/episode/turn0.js';
import { codeFromAnswer } from '../../src/feedback/extract.js';
import { LocalSandbox } from '../../src/sandbox/local.js';
import { loadTasks } from '../../src/tasks/bigcodebench.js';
import { ScriptedModel } from '../helpers/scripted-model.js';

const task = loadTasks(join(__dirname, '..', '..', 'data', 'sample-tasks.jsonl'))[0]!;
const solution = task.code_prompt + task.canonical_solution;
// PEP8: two blank lines between the imports and the definition.
const pep8 = solution.replace('\ndef task_func', '\n\n\ndef task_func');

const SHAPES: Record<string, { answer: string; kind?: 'vllm' }> = {
  'prose around a fenced block, PEP8 spacing': { answer: `Here is the solution:\n\n\`\`\`python\n${pep8}\`\`\`\n\nIt lower-cases the text and counts the words.` },
  'several blocks (imports, the function, a usage example)': {
    answer: `First the imports:\n\`\`\`python\nimport re\n\`\`\`\nThen the function:\n\`\`\`python\n${solution}\`\`\`\nUsage:\n\`\`\`python\nprint(task_func("a b a"))\n\`\`\`\n`,
  },
  'an unclosed fence cut in the middle of a statement': { answer: `\`\`\`python\n${pep8}\nresult = task_func(` },
  'a body only, indented under the fence (BigCodeBench puts the prompt in front)': { answer: `\`\`\`python\n${task.canonical_solution}\`\`\`` },
  'the vLLM prefilled form: the continuation after the opening fence': { answer: pep8.replace(/ {4}/g, '\t'), kind: 'vllm' },
};

describe('turn 0 answers in real shapes, sanitized and judged in the local sandbox', () => {
  const sb = new LocalSandbox({ parallel: 1 });
  beforeAll(() => sb.start());
  afterAll(() => sb.close());

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(name, async () => {
      const coder = new ScriptedModel('scripted-coder', [shape.answer]);
      const o: ProtocolOptions = {
        profile: PROFILES.convcodeworld, setting: parseSetting('CF'), maxTurns: 0, history: 'none', maxCallsPerTurn: 3,
        timeoutS: 60, leakThreshold: 0.15, coderKind: shape.kind ?? 'chat',
      };
      const rec: EpisodeRecord = { task_id: task.task_id, setting: 'CF', model: coder.id, user_model: null, synthetic: false, turns: [], solved_at: null };
      await runEpisode(task, o, { coder, exec: new ExecCache(sb), source: liveSource(undefined), turn0: { kind: 'generate', sanitize: sandboxSanitizer(sb) } }, rec);
      const t0 = rec.turns[0]!;
      expect(t0.code).toContain('def task_func(text):');
      expect(t0.code).not.toMatch(/```|Here is|Usage|print\(|result = /);
      expect(t0.compilation!.ok).toBe(true);
      expect(t0.status).toBe('pass');
    }, 60_000);
  }

  it('the refinement extraction would have cut the PEP8 answer at its blank lines (why turn 0 never uses it)', () => {
    const cut = codeFromAnswer(SHAPES['prose around a fenced block, PEP8 spacing']!.answer);
    expect(cut.code).not.toContain('def task_func');
  });
});
