#!/usr/bin/env node
// Cost of the local sandbox's environment id per judgment, in one process:
//   ready:    the id is learned from the judge's ready message (one value per sandbox);
//   baseline: the old way, a blocking spawnSync of python3 on every environmentId() call
//             (the exec cache calls it twice per judgment: unittest and syntax keys).
// Both judge the same distinct programs the way the exec cache does (environment id for the
// unittest key and for the syntax key, then both judgments), same parallelism; rounds alternate to
// spread machine noise. Prints ms per judgment and the ratio. Needs `npm run build` first.
// Usage: node scripts/bench-local-envid.mjs [--judgments 40] [--rounds 3] [--parallel 2] [--inflight 4]
import { spawnSync } from 'node:child_process';
import { createSandbox } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const judgments = Number(arg('--judgments', '40'));
const rounds = Number(arg('--rounds', '3'));
const parallel = Number(arg('--parallel', '2'));
const inflight = Number(arg('--inflight', '4'));

/** A local sandbox whose environment id is computed as before: a fresh probe of python3 on every call. */
function probing(sb) {
  const judgeId = sb.environmentId.bind(sb);
  sb.probes = 0;
  sb.environmentId = () => {
    sb.probes++;
    const v = spawnSync('python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
    const judge = judgeId().split(':').pop(); // judge-<hash>, the same in both ids
    return `local:python3:${v.stdout?.trim() ?? '?'}:${judge}`;
  };
  return sb;
}

const test = 'import unittest\nclass TestCases(unittest.TestCase):\n    def test_sq(self):\n        self.assertEqual(task_func(7), 49)\n';
let serial = 0;

async function once(label, sb) {
  await sb.start(); // warm pool before the clock starts, for both
  const todo = Array.from({ length: judgments }, () => `def task_func(x):\n    return x * x  # ${serial++}\n`);
  const t0 = performance.now();
  let statuses = 0;
  const worker = async () => {
    for (let code = todo.pop(); code !== undefined; code = todo.pop()) {
      const [r, s] = await Promise.all([
        (sb.environmentId(), sb.runUnittest({ solution: code, test, timeoutS: 10 })),
        (sb.environmentId(), sb.checkSyntax(code)),
      ]);
      if (r.status === 'pass' && s.ok) statuses++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const ms = performance.now() - t0;
  if (statuses !== judgments) throw new Error(`${label}: ${judgments - statuses} judgments did not pass`);
  return { ms, id: sb.environmentId() };
}

const totals = { ready: 0, baseline: 0 };
let ids;
let probes = 0;
for (let r = 0; r < rounds; r++) {
  for (const label of r % 2 === 0 ? ['baseline', 'ready'] : ['ready', 'baseline']) {
    const sb = label === 'ready' ? createSandbox({ kind: 'local', parallel }) : probing(createSandbox({ kind: 'local', parallel }));
    const { ms, id } = await once(label, sb);
    if (label === 'baseline') probes += sb.probes - 1; // the last call above is not part of the run
    await sb.close();
    totals[label] += ms;
    ids = { ...ids, [label]: id };
    console.log(`round ${r + 1} ${label.padEnd(8)} ${judgments} judgments in ${ms.toFixed(0)} ms (${(ms / judgments).toFixed(1)} ms each)`);
  }
}
const per = (label) => totals[label] / (rounds * judgments);
console.log(`environment id: ready message gives ${ids.ready}; the old probe gave ${ids.baseline}`);
console.log(`baseline probes: ${probes} (${(probes / (rounds * judgments)).toFixed(1)} per judgment)`);
console.log(`per judgment: baseline ${per('baseline').toFixed(1)} ms, ready ${per('ready').toFixed(1)} ms; ratio baseline/ready ${(per('baseline') / per('ready')).toFixed(2)}x`);
