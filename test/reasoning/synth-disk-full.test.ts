import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/run-reasoning.js';
import { rawOutput } from '../../src/reasoning/synth/execute.js';
import type { ExecutedRow } from '../../src/reasoning/synth/records.js';
import { cliRunner } from '../helpers/cli.js';

// A disk that fills up under --out: a 16 KiB tmpfs (needs root to mount; skipped otherwise).
const disk = mkdtempSync(join(tmpdir(), 'full-disk-'));
const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', disk]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [disk]);
  rmSync(disk, { recursive: true, force: true });
});

function executed(id: string): ExecutedRow {
  const records = Array.from({ length: 4 }, (_, i) => ({ r: String(i).repeat(200), exc: false }));
  return {
    prompt: '', gen_answer_id: id, completions: '', num_gen_tokens: 0, task: 'write_testcase',
    data: { id, content: `def f_${id}(x):\n    return x\n`, import_code: [] }, check_result: true, retry_time: 0,
    example_str: 'examples = []', code: `def f_${id}(x):\n    return x\n`, func_name: `f_${id}`,
    exec_raw_output: rawOutput(records.map((_, i) => JSON.stringify(`{'x': ${i}}`)), records), exec_status: true,
    parsed_inputs: records.map((_, i) => [['x', String(i)]]),
  };
}

describe.skipIf(!mounted)('a full disk under --out', () => {
  const { run, stderr } = cliRunner(main);

  it('synth says which file it could not write (ENOSPC) in one line, exit 3; the input is untouched', async () => {
    const src = mkdtempSync(join(tmpdir(), 'full-disk-src-'));
    const input = join(src, 'executed.jsonl');
    writeFileSync(input, Array.from({ length: 100 }, (_, i) => JSON.stringify(executed(`r${i}`))).join('\n') + '\n');
    const before = readFileSync(input, 'utf8');
    const out = join(disk, 'out');
    mkdirSync(out);
    const code = await run('synth', '--stage', 'filter', '--from', input, '--out', out, '--sandbox', 'local');
    expect(stderr()).toMatch(/^run-reasoning: cannot write \S+filtered\.jsonl\S*: no space left on the device \(ENOSPC\); free space, then rerun the same command/);
    expect(stderr().trim().split('\n')).toHaveLength(1);
    expect(code).toBe(3);
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    rmSync(src, { recursive: true, force: true });
  }, 60_000);
});
