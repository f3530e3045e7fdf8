#!/usr/bin/env node
// Benchmarks CRUXEval scoring: the `run-reasoning score` code path (warm forked judges, identical
// check programs judged once) against the upstream way (one fresh python3 per judgment), on the
// same sandbox with the same parallelism, and checks that both give identical booleans.
//
//   npm run build && node scripts/bench-reasoning.mjs [--file <scored-or-generations.json>]
//       [--task cruxeval-o|cruxeval-i] [--sandbox auto|docker|local] [--parallel 2] [--scorer v1|v2]
//       [--image <tag>] [--no-dedupe] [--no-literal] [--skip-fresh]
// --no-dedupe / --no-literal switch off the two shortcuts of the score path, to time the warm
// forked judges alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('bench-reasoning: dist/ is missing or stale; run `npm run build` first');
  process.exit(2);
}
const { reasoningSandbox, scoreFile } = await import('codeconv-eval');

const { values: o } = parseArgs({
  options: {
    file: { type: 'string', default: join(root, '..', 'shared', 'reference', 'cruxeval', 'deepseek-base-1.3b_temp0.8_output.scored.json') },
    task: { type: 'string' },
    sandbox: { type: 'string', default: 'auto' },
    parallel: { type: 'string', default: '2' },
    scorer: { type: 'string', default: 'v1' },
    'no-dedupe': { type: 'boolean', default: false },
    'no-literal': { type: 'boolean', default: false },
    'skip-fresh': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    image: { type: 'string' },
  },
});

if (!existsSync(o.file)) {
  console.error(`bench-reasoning: ${o.file}: no such file`);
  process.exit(2);
}
const taskName = o.task ?? (basename(o.file).includes('_input') ? 'cruxeval-i' : 'cruxeval-o');
const parallel = Number(o.parallel);
let kind = o.sandbox;
if (kind === 'auto') kind = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0 ? 'docker' : 'local';
const dedupe = !o['no-dedupe'];

// The judges pre-import what run-reasoning would for this task (the fresh baseline imports nothing).
const sandbox = reasoningSandbox(taskName, { kind, parallel, ...(o.image ? { image: o.image } : {}) });
const out = mkdtempSync(join(tmpdir(), 'bench-reasoning-'));
const secs = (ms) => (ms / 1000).toFixed(1);

try {
  let t = performance.now();
  await sandbox.start();
  console.log(`sandbox: ${kind} (${sandbox.environmentId()}), parallel ${parallel}, started in ${secs(performance.now() - t)} s`);

  // 1. The run-reasoning score path.
  t = performance.now();
  const ours = await scoreFile({ task: taskName, generations: o.file, scorer: o.scorer, out: join(out, 'ours'), dataDir: o['data-dir'], dedupe, literalFastPath: !o['no-literal'] }, { sandbox });
  const oursMs = performance.now() - t;
  const c = ours.score.counts;
  console.log(`file: ${basename(o.file)} -> ${taskName}, ${Object.keys(ours.score.generations).length} samples, ${c.generations} generations, scorer ${o.scorer}`);
  console.log(`run-reasoning score: ${secs(oursMs)} s  (${c.generations - c.filtered} judgments -> ${c.judgments} distinct check programs${dedupe ? '' : ' (no de-duplication)'}: ` +
    `${c.literalDecided} decided as literal comparisons, ${c.judgments - c.literalDecided} run in a forked child each; ` +
    `pass@1 ${ours.score.passAtK.pass_at_1.toFixed(4)}, pass@5 ${ours.score.passAtK.pass_at_5.toFixed(4)})`);

  // Looping answers run to the time limit whatever the runner: that wall time is a floor at this parallelism.
  const timedOut = new Set();
  for (const [id, vs] of Object.entries(ours.score.verdicts)) {
    vs.forEach((v, k) => { if (v.kind === 'judged' && v.timedOut) timedOut.add(`${id}\u0000${ours.score.generations[id][k]}`); });
  }
  const limitS = taskName === 'case2code' ? 10 : 3;
  console.log(`time-limit floor: ${timedOut.size} distinct check programs ran to the ${limitS} s limit, ${secs((timedOut.size * limitS * 1000) / parallel)} s of wall time at parallel ${parallel}`);

  if (!o['skip-fresh']) {
    // 2. Upstream way: every judgment in its own fresh python3, nothing shared.
    t = performance.now();
    const fresh = (await scoreFile({ task: taskName, generations: o.file, scorer: o.scorer, out: join(out, 'fresh'), dataDir: o['data-dir'], fresh: true, dedupe: false }, { sandbox })).score;
    const freshMs = performance.now() - t;
    const freshTimeouts = Object.values(fresh.verdicts).reduce((n, vs) => n + vs.filter((v) => v.kind === 'judged' && v.timedOut).length, 0);
    console.log(`upstream way (fresh python3 per judgment): ${secs(freshMs)} s  (${fresh.counts.judgments} processes, ${freshTimeouts} ran to the limit; pass@1 ${fresh.passAtK.pass_at_1.toFixed(4)}, pass@5 ${fresh.passAtK.pass_at_5.toFixed(4)})`);
    const differing = Object.keys(fresh.scored).filter((id) => JSON.stringify(fresh.scored[id]) !== JSON.stringify(ours.score.scored[id]));
    console.log(`speed-up: ${(freshMs / oursMs).toFixed(1)}x`);
    console.log(`identical booleans: ${differing.length === 0 ? 'yes' : `no (${differing.length} samples differ: ${differing.slice(0, 10).join(', ')})`}`);
    if (differing.length) process.exitCode = 1;
  }
} catch (err) {
  console.error(`bench-reasoning: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 3;
} finally {
  await sandbox.close();
  rmSync(out, { recursive: true, force: true });
}
