/** Turn 0 from BigCodeBench's prompt and sanitizer, or from an existing samples file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSamples } from '../../src/episode/turn0.js';
import { projectRoot } from '../../src/sandbox/paths.js';
import { CLEAN, CODE, HEADER, live, TASK } from './helpers.js';

describe('turn 0', () => {
  it('convcodeworld, chat model: BigCodeBench\'s direct prompt, 1280 new tokens, the sanitizer; only turn 0 is judged calibrated', async () => {
    const seen: string[] = [];
    const sanitize = async (answer: string): Promise<string> => { seen.push(answer); return CODE.failA; };
    const r = await live('CF_EF_FULL', ['prose and ' + CODE.failA, CODE.pass], [], {}, { kind: 'generate', sanitize });
    const first = r.coder.calls[0]!;
    expect(first.prompt).toBe(`Please generate self-contained code to complete the following problem:\n\`\`\`python\n${TASK.instruct_prompt}\n\`\`\``);
    expect(first.opts).toEqual({ role: 'coder', maxTokens: 1280 });
    expect(seen[0]).toContain('prose and');
    expect(r.rec.turns[0]!.code).toBe(CODE.failA);
    const calibratedForm = (code: string): string => TASK.code_prompt + '\n    pass\n' + code;
    expect(r.sandbox.judged[0]).toBe(calibratedForm(CODE.failA));
    // Turn 1's version is judged as it is.
    expect(r.sandbox.judged).toContain('import os\nLIMIT = 3\n' + CODE.pass);
    expect(r.sandbox.judged).not.toContain(calibratedForm('import os\nLIMIT = 3\n' + CODE.pass));
  });

  it('convcodeworld, vLLM model: its chat prompt with the answer prefilled up to a python fence, stopping at the closing fence', async () => {
    const seen: string[] = [];
    const sanitize = async (answer: string): Promise<string> => { seen.push(answer); return CODE.pass; };
    const r = await live('CF', ['x'], [], { coderKind: 'vllm' }, { kind: 'generate', sanitize });
    const first = r.coder.calls[0]!;
    expect(first.prompt).toBe(`Please provide a self-contained Python script that solves the following problem in a markdown code block:\n\`\`\`\n${TASK.instruct_prompt}\n\`\`\`\n`);
    expect(first.opts.prefill).toBe('Below is a Python script with a self-contained function that solves the problem and passes corresponding tests:\n```python\n');
    expect(first.opts.stop).toContain('\n```\n');
    expect(first.opts.maxTokens).toBe(1280);
    // The continuation alone goes to the sanitizer.
    expect(seen).toEqual([r.rec.turns[0]!.raw]);
  });

  it('clean: our prompt and the refinement extraction at turn 0, every version judged calibrated', async () => {
    const r = await live('CF_EF_FULL', [CODE.failA, CODE.pass], [], CLEAN);
    expect(r.coder.calls[0]!.opts.stop).toEqual(['\n\n---\n\n']);
    expect(r.rec.turns[0]!.code).toBe(HEADER + CODE.failA);
    expect(r.sandbox.judged).toContain(TASK.code_prompt + '\n    pass\n' + HEADER + CODE.pass);
  });

  it('a samples file gives turn 0 with no model call; a task it lacks is a one-line error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'turn0-'));
    const file = join(dir, 'samples.jsonl');
    writeFileSync(file, JSON.stringify({ task_id: 'T/1', solution: CODE.failA }) + '\n');
    const r = await live('CF_EF_FULL', [CODE.pass], [], {}, loadSamples(file, ['T/1']));
    expect(r.rec.turns[0]!.fromSamples).toBe(true);
    expect(r.rec.turns[0]!.code).toBe(CODE.failA);
    expect(r.coder.calls).toHaveLength(1);
    expect(r.coder.calls[0]!.prompt).toMatch(/Previous code:/i);
    expect(() => loadSamples(file, ['T/1', 'T/2'])).toThrow(/samples\.jsonl: no solution for T\/2/);
    writeFileSync(file, '{"task_id": "T/1"}\n');
    expect(() => loadSamples(file, ['T/1'])).toThrow(/samples\.jsonl:1: task T\/1 has no "solution" text/);
  });

  it('the sanitizer keeps imports and the definitions the entry point needs', () => {
    const answer = 'Sure:\n```python\nimport os\nfrom math import sqrt\nX = 2\nUNUSED = 3\ndef helper(a):\n    return sqrt(a) * X\ndef task_func(b):\n    return helper(b)\nprint(task_func(4))\n```\nDone.';
    const script = `import sys, json\nsys.path.insert(0, ${JSON.stringify(join(projectRoot, 'resources', 'python'))})\nfrom bigcodebench_sanitize import sanitize\nprint(json.dumps(sanitize(sys.stdin.read(), 'task_func')))`;
    const r = spawnSync('python3', ['-c', script], { input: answer, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toBe('import os\nfrom math import sqrt\nX = 2\ndef helper(a):\n    return sqrt(a) * X\ndef task_func(b):\n    return helper(b)');
  });

  it('the sanitizer gives what BigCodeBench\'s gives on its corner cases (longest parsable run of lines, first definition wins, trailing calls cut)', () => {
    const cases: [string, string][] = [
      // The longest parsable run is the second block: the import of the first is lost, as in BigCodeBench.
      ['```python\nimport math\n```\nThen:\n```python\ndef helper(x):\n    return math.sqrt(x)\n\ndef task_func(x):\n    return helper(x)\n```\n', 'def helper(x):\n    return math.sqrt(x)\ndef task_func(x):\n    return helper(x)'],
      // A name defined twice keeps its first definition; a decorated one is dropped.
      ['def task_func():\n    return 1\n\ndef task_func():\n    return 2\n\n@staticmethod\ndef helper():\n    pass\n', 'def task_func():\n    return 1'],
      // Module-level statements that are not definitions go; an assignment the function does not use too.
      ['import os\nX = 1\nY = 2\ndef task_func():\n    return X\nresult = task_func()\nprint(result)\n', 'import os\nX = 1\ndef task_func():\n    return X'],
      // Prose alone: no code.
      ['Sorry, I cannot help with that.', ''],
    ];
    const script = `import sys, json\nsys.path.insert(0, ${JSON.stringify(join(projectRoot, 'resources', 'python'))})\nfrom bigcodebench_sanitize import sanitize\nprint(json.dumps([sanitize(a, 'task_func') for a in json.loads(sys.stdin.read())]))`;
    const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases.map((c) => c[0])), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(cases.map((c) => c[1]));
  });
});
