#!/usr/bin/env node
// Lints and type-checks (src and test), runs the vitest suite, then prints one plain closing line
// "N passed, N failed, N skipped"; a lint error fails the run as a failed test does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' });
if (lint.status !== 0) console.log('lint: failed (npm run lint)');

mkdirSync('test-artifacts', { recursive: true });
const report = 'test-artifacts/vitest.json';
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`\n${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`);
}
process.exitCode = lint.status !== 0 ? 1 : (r.status ?? 1);
