/** The literal fast path decides exactly what an isolated run decides, and leaves everything else alone. */
import { afterAll, describe, expect, it } from 'vitest';
import { decideLiteralChecks } from '../../src/reasoning/literal.js';
import { closeSandbox, localSandbox } from './helpers.js';

afterAll(async () => {
  await closeSandbox();
});

const DEF = 'def f(x):\n    return x\n';

// [program, expected decision: true / false / null (= left to an isolated run)]
const CASES: [string, boolean | null][] = [
  ['assert 1 == 1', true],
  ['assert 1 == 2', false],
  ['assert 1 == 1.0', true],
  ["assert b'a' == 'a'", false],
  [`${DEF}assert [(4, 1), (2, 3)] == [(4, 1), (2, 3)]`, true],
  [`${DEF}assert {'a': None, 1: -2.5} == {1: -2.5, 'a': None}`, true],
  [`${DEF}assert 'abc' == "abc"`, true],
  [`${DEF}assert -0.0 == 0`, true],
  [`${DEF}assert (1+2j) == 1+2j`, true],
  [`${DEF}assert {1, 2} == {2, 1}`, true],
  [`${DEF}assert {[1]} == 1`, false], // unhashable: TypeError when the set is built
  [`${DEF}assert 1 == (`, false], // does not compile
  [`${DEF}assert 1 == ${'9'.repeat(5000)}`, false], // over the int digit limit: does not compile
  [`${DEF}assert 1 == 1, 2`, null], // a message: not a plain comparison
  [`${DEF}assert 1 == 1 == 1`, null],
  [`${DEF}assert 1 == f(1)`, null],
  [`${DEF}assert 1 == 1\nprint(2)`, null],
  ['x = 1\nassert 1 == 1', null],
  ['import os\nassert 1 == 1', null],
  ['@staticmethod\ndef f(x):\n    return x\nassert 1 == 1', null],
  ['def f(x=[]):\n    return x\nassert 1 == 1', null],
  ['def f(x: List[int]):\n    return x\nassert 1 == 1', null],
  ['def f():\n    break\nassert 1 == 1', false], // compiles as AST, not as code
  ['assert (1, 2) == 1, 2', null],
  ['assert 1 == {**{}}', null],
  ['assert set() == set()', null],
];

describe('literal fast path', () => {
  it('decides only plain literal comparisons, with the outcome of an isolated run', async () => {
    const sandbox = localSandbox();
    const checks = CASES.map(([code]) => ({ code, timeoutS: 3 }));
    const decided = await decideLiteralChecks(sandbox, checks);
    const isolated = await sandbox.runChecks(checks);
    CASES.forEach(([code, want], i) => {
      const d = decided[i]!;
      expect(d === null ? null : d.ok, code.slice(-60)).toBe(want);
      if (d === null) return;
      expect(isolated[i]!.ok, `isolated run of ${code.slice(-60)}`).toBe(d.ok);
      // A failure names the same exception type the isolated run raised.
      if (!d.ok) expect(d.error.split(':')[0]).toBe(isolated[i]!.error!.split(':')[0]);
    });
  }, 60_000);
});
