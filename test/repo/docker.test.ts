import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRepoTasks } from '../../src/repo/build.js';
import { checkRepoTasks } from '../../src/repo/check.js';
import { resolveBuildConfig } from '../../src/repo/config.js';
import { RepoExecCache } from '../../src/repo/exec-cache.js';
import { parseTestOutput } from '../../src/repo/parse.js';
import { RepoSandbox } from '../../src/repo/sandbox.js';
import { loadRepoTasks } from '../../src/repo/tasks.js';

const sb = new RepoSandbox({ parallel: 2 });
const ready = spawnSync('docker', ['image', 'inspect', sb.image], { stdio: 'ignore', timeout: 20_000 }).status === 0;
const why = ready ? '' : ` (image ${sb.image} missing: bash scripts/build-repo-image.sh)`;
const FIRST = 'from django.utils.version import get_version';

describe.skipIf(!ready)(`repository judgments in Docker${why}`, () => {
  it('a judgment that deletes a test file, edits other files and writes outside the method leaves the tree unchanged for the next', async () => {
    const evil = [
      'import os as _os',
      "_os.remove('/opt/django/tests/utils_tests/test_text.py') if _os.path.exists('/opt/django/tests/utils_tests/test_text.py') else None",
      "open('/opt/django/django/utils/html.py', 'a').write('\\nraise ImportError(\"tampered\")\\n')",
      "open('/opt/django/evil.txt', 'w').write('x')",
      FIRST,
    ].join('\n');
    const a = await sb.judge({ replace: { file: 'django/__init__.py', start: 1, end: 1, text: evil }, labels: ['utils_tests.test_text'], timeoutS: 60, checksum: true });
    expect(a.treeSha256).not.toBe(a.pristineSha256); // the check sees the damage inside that container
    const b = await sb.judge({ labels: ['utils_tests.test_text'], timeoutS: 60, checksum: true });
    expect(b.treeSha256).toBe(b.pristineSha256);
    expect(parseTestOutput(b.output).ok).toBe(true);
    expect(parseTestOutput(b.output).ran).toBeGreaterThan(10);
  });

  it('a candidate that exits or loops is contained: no summary, or a timeout, and the next run is clean', async () => {
    const exit = await sb.judge({ replace: { file: 'django/__init__.py', start: 1, end: 1, text: `import os\nos._exit(0)\n${FIRST}` }, labels: ['utils_tests.test_text'], timeoutS: 60 });
    expect(parseTestOutput(exit.output)).toMatchObject({ hasSummary: false, ok: false, pct: 0 });
    const t0 = Date.now();
    const loop = await sb.judge({ replace: { file: 'django/__init__.py', start: 1, end: 1, text: `import os\nos.fork()\nwhile True: pass\n${FIRST}` }, labels: ['utils_tests.test_text'], timeoutS: 5 });
    expect(loop.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(40_000);
    const after = await sb.judge({ labels: ['utils_tests.test_text'], timeoutS: 60, checksum: true });
    expect(after.treeSha256).toBe(after.pristineSha256);
  });

  it('builds a small task set from two test apps; for every task the reference passes, the stub and the buggy file fail, and a rebuild gives the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repo-build-'));
    try {
      const c = resolveBuildConfig(undefined, { out: join(dir, 'tasks.jsonl'), cache_dir: join(dir, 'cache'), test_apps: ['signing', 'humanize_tests'], target_tasks: 3, batch_size: 3, parallel: 2 });
      const exec = new RepoExecCache(sb, join(c.cache_dir, 'repo-exec'));
      const built = await buildRepoTasks(c, { sandbox: sb, exec });
      expect(built.header.counts.tasks).toBe(3);
      const first = readFileSync(c.out, 'utf8');
      const { tasks } = loadRepoTasks(c.out);
      // Fresh judgments (no cache), as scripts/repo-check.mjs makes them: the reference passes, the stub and the buggy file fail.
      const check = await checkRepoTasks({ tasks: c.out, parallel: 2 });
      expect({ tasks: check.tasks, ref: check.reference_passes, stub: check.stub_fails, buggy: check.buggy_fails, problems: check.problems }).toEqual({ tasks: 3, ref: 3, stub: 3, buggy: 3, problems: [] });
      expect(check.judgments).toBe(9);
      for (const t of tasks) expect(t.file_with_buggy_method.split('\n')[t.bug!.line - 1]).toBe(t.bug!.new_line);
      // Same seed, same source: the same file (served from the judgment cache this time).
      await buildRepoTasks({ ...c, out: join(dir, 'again.jsonl') }, { sandbox: sb, exec });
      const strip = (text: string): string => text.replace(/"build_seconds":[\d.]+/, '');
      expect(strip(readFileSync(join(dir, 'again.jsonl'), 'utf8'))).toBe(strip(first));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
