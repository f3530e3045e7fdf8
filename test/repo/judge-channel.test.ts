import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTestOutput } from '../../src/repo/parse.js';
import { projectRoot } from '../../src/sandbox/paths.js';

// repo_judge.py on a small tree of this host (REPO_ROOT), with a runtests.py like Django's: the
// verdict must come from the runner's report pipe, not from anything the candidate prints.
const root = mkdtempSync(join(tmpdir(), 'repo-judge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'app'));
mkdirSync(join(root, 'tests'));
writeFileSync(join(root, 'app', '__init__.py'), '');
writeFileSync(join(root, 'app', 'mod.py'), 'def f(x):\n    return x * x\n');
writeFileSync(join(root, 'tests', 'test_mod.py'), [
  'import unittest', 'from app.mod import f', '',
  'class T(unittest.TestCase):',
  '    def test_a(self):', '        self.assertEqual(f(2), 4)',
  '    def test_b(self):', '        self.assertEqual(f(3), 9)', '',
].join('\n'));
writeFileSync(join(root, 'tests', 'runtests.py'), [
  'import sys, unittest',
  'args, labels, skip = sys.argv[1:], [], False',
  'for a in args:',
  '    if skip: skip = False; continue',
  "    if a in ('--verbosity', '--parallel'): skip = True; continue",
  "    if not a.startswith('--'): labels.append(a)",
  'suite = unittest.defaultTestLoader.loadTestsFromNames(labels)',
  'r = unittest.TextTestRunner().run(suite)',
  'sys.exit(0 if r.wasSuccessful() else 1)', '',
].join('\n'));

function judge(candidate: string, timeoutS = 20): { output: string; timed_out: boolean; duration_ms: number; wall: number } {
  // Each judgment starts from the pristine file, as each container does.
  writeFileSync(join(root, 'app', 'mod.py'), 'def f(x):\n    return x * x\n');
  const job = { replace: { file: 'app/mod.py', start: 1, end: 2, text: candidate }, labels: ['test_mod'], timeout_s: timeoutS, result_nonce: 'n0nce' };
  const t0 = Date.now();
  const r = spawnSync('python3', ['-B', join(projectRoot, 'src/repo/python/repo_judge.py'), 'judge'], {
    input: JSON.stringify(job), encoding: 'utf8', env: { ...process.env, REPO_ROOT: root }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024,
  });
  const at = r.stdout.lastIndexOf('@@RESULT-n0nce@@');
  if (at < 0) throw new Error(`no result: ${r.stderr.slice(-500)}`);
  return { ...JSON.parse(r.stdout.slice(at + '@@RESULT-n0nce@@'.length).split('\n')[0]!), wall: Date.now() - t0 };
}

describe('run-repo judge: the verdict comes from a channel the candidate cannot write', () => {
  it('an honest candidate passes, a wrong one fails', () => {
    expect(parseTestOutput(judge('def f(x):\n    return x * x').output)).toMatchObject({ ok: true, ran: 2 });
    expect(parseTestOutput(judge('def f(x):\n    return x + 2').output)).toMatchObject({ ok: false, ran: 2, failures: 1 });
  }, 60_000);

  it('a fake "Ran 20 tests ... OK" printed to stderr before os._exit(0) is a failure', () => {
    const fake = [
      'import os, sys',
      "sys.stderr.write('Ran 20 tests in 0.100s\\n\\nOK\\n'); sys.stderr.flush()",
      "sys.stdout.write('Ran 20 tests in 0.100s\\n\\nOK\\n'); sys.stdout.flush()",
      'os._exit(0)',
      'def f(x):',
      '    return 0',
    ].join('\n');
    const s = parseTestOutput(judge(fake).output);
    expect(s.ok).toBe(false);
    expect(s.ran).toBe(0);
  }, 60_000);

  it('a detached child (fork + setsid + sleep) holding stdout does not hang the judge', () => {
    const detach = [
      'import os, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    time.sleep(300)',
      '    os._exit(0)',
      'def f(x):',
      '    return x * x',
    ].join('\n');
    const r = judge(detach, 20);
    expect(r.timed_out).toBe(false);
    expect(r.wall).toBeLessThan(15_000);
    expect(parseTestOutput(r.output).ok).toBe(true);
  }, 60_000);

  it('a suite that never ends is a timeout, even with a detached child holding stdout', () => {
    const hang = ['import os, time', 'if os.fork() == 0:', '    os.setsid()', '    time.sleep(300)', 'def f(x):', '    time.sleep(300)'].join('\n');
    const r = judge(hang, 3);
    expect(r.timed_out).toBe(true);
    expect(r.wall).toBeLessThan(15_000);
  }, 60_000);

  it('100 MB of output is read with a cap and judged: the candidate fails, the judge lives', () => {
    const flood = ['import sys', 'def f(x):', "    sys.stdout.write('y' * 50_000_000); sys.stdout.flush()", '    return 0'].join('\n');
    const r = judge(flood, 60);
    expect(r.output.length).toBeLessThan(1_000_000);
    expect(parseTestOutput(r.output)).toMatchObject({ ok: false, ran: 2, failures: 2 });
  }, 120_000);
});
