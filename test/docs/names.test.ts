import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, anchorsOf, brokenLinks, missingNames, namedThings, slug } from '../../scripts/docs/lib.mjs';

// Every script, file, npm script and command the docs name exists, and every relative link lands.
describe('what the docs name', () => {
  test('every named file, script and command exists', () => {
    expect(missingNames()).toEqual([]);
  });

  test('every relative link and anchor leads somewhere', () => {
    expect(brokenLinks()).toEqual([]);
  });
});

describe('the checkers catch what is stale', () => {
  const root = mkdtempSync(join(tmpdir(), 'docs-names-'));
  mkdirSync(join(root, 'docs'));
  mkdirSync(join(root, 'scripts'));
  writeFileSync(join(root, 'scripts/real.mjs'), '');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ bin: { 'run-eval': 'dist/cli/run-eval.js' }, scripts: { lint: 'x' } }));
  writeFileSync(join(root, 'docs/a.md'), '# Page A\n\n## Two words `code`\n');
  writeFileSync(join(root, 'README.md'), [
    'Run `node scripts/real.mjs`, then `node scripts/gone.mjs` and `./kill-once.sh`.',
    '`npm run lint` and `npm run nope`; `run-eval` and `run-ghost`.',
    '[ok](docs/a.md#two-words-code) [bad file](docs/b.md) [bad anchor](docs/a.md#three) [web](https://example.org/x)',
    '```yaml\nname: codeconv-worker\n```',
  ].join('\n'));

  test('missing scripts, npm scripts and commands are named', () => {
    expect(missingNames(root)).toEqual([
      'README.md: kill-once.sh does not exist',
      'README.md: scripts/gone.mjs does not exist',
      'README.md: npm run nope: no such script in package.json',
      'README.md: run-ghost is not a command (package.json bin)',
    ]);
  });

  test('broken files and anchors are named, web links skipped', () => {
    expect(brokenLinks(root)).toEqual(['README.md: docs/b.md: no such file', 'README.md: docs/a.md#three: no heading with anchor #three']);
  });

  test('anchors are GitHub slugs', () => {
    expect(slug('Many machines: `--sandbox queue` and `run-worker`')).toBe('many-machines---sandbox-queue-and-run-worker');
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
    expect(namedThings('`test/helpers/mock-{a,b}-server.ts`').paths).toEqual(['test/helpers/mock-a-server.ts', 'test/helpers/mock-b-server.ts']);
  });
});

describe('the set-up lines', () => {
  test('.ci/run runs exactly the test line the README gives', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').trim().split('\n').at(-1)!;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(ci).toBe('bash scripts/setup.sh && npm ci && npm test');
    expect(readme).toContain('```sh\n' + ci + '\n```');
    expect(readme).toContain('```sh\nbash scripts/setup.sh && npm ci && npm start\n```');
  });
});

describe('text for users', () => {
  test.each(['README.md', 'CHANGELOG.md'])('%s has no machine paths, issue numbers or session talk', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const found = text.match(/(?:^|[\s`(])\/(?:work|home|root|tmp\/qtest)\/\S*|\b(?:issue|defect) #?\d+|this session|load average/gim) ?? [];
    expect(found).toEqual([]);
  });
});
