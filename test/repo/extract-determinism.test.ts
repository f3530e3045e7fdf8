import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/sandbox/paths.js';

const root = mkdtempSync(join(tmpdir(), 'repo-extract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'django'));
writeFileSync(join(root, 'django', 'toy.py'), [
  'class Slugger:',
  '    def slug(self, text):',
  '        """Lowercase words joined by the separator."""',
  '        words = text.split()',
  '        if not words:',
  "            return ''",
  '        return self.sep.join(w.lower() for w in words)',
  '',
].join('\n'));

/** The candidates extract.py makes from one tracing run whose test durations are `secs`. */
function fullPaths(secs: number[]): string[] {
  const ids = secs.map((_, i) => `toy_tests.T.test_${i}`);
  const job = { tests: Object.fromEntries(ids.map((id, i) => [id, ['ok', secs[i]]])), calls: { 'django/toy.py:2': ids }, min_body_lines: 3, max_tests: 2 };
  const r = spawnSync('python3', ['-B', join(projectRoot, 'src/repo/python/extract.py')], { input: JSON.stringify(job), encoding: 'utf8', env: { ...process.env, REPO_ROOT: root } });
  const at = r.stdout.lastIndexOf('@@RESULT@@');
  expect(at, r.stderr).toBeGreaterThanOrEqual(0);
  const out = JSON.parse(r.stdout.slice(at + '@@RESULT@@'.length)) as { candidates: { tests: { full_paths: string[] } }[] };
  expect(out.candidates).toHaveLength(1);
  return out.candidates[0]!.tests.full_paths;
}

describe('run-repo build: the tests a task gets do not depend on how long they took', () => {
  it('two tracing runs with other timings pick the same tests.full_paths', () => {
    const a = fullPaths([0.5, 0.1, 0.3, 0.2]);
    const b = fullPaths([0.1, 0.5, 0.2, 0.3]);
    expect(a).toEqual(b);
    expect(a).toEqual(['toy_tests.T.test_0', 'toy_tests.T.test_1']);
  });
});
