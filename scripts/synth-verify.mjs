#!/usr/bin/env node
// Reruns a random subset of a synth --for-eval samples file in fresh sandbox children (through the
// Case2Code scorer's harness) and reports how many kept outputs are reproduced exactly.
// Usage: node scripts/synth-verify.mjs <samples.jsonl> [--n 200] [--seed 0] [--sandbox docker|local] [--parallel 2]
import { readFileSync } from 'node:fs';
import { createSandbox, judgePreload, rerunSamples, sampleSubset } from 'codeconv-eval';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const file = args[0];
if (!file || file.startsWith('--')) {
  console.error('usage: node scripts/synth-verify.mjs <samples.jsonl> [--n 200] [--seed 0] [--sandbox docker|local] [--parallel 2]');
  process.exit(2);
}
const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
// A training samples file ({id, prompt, output}) lacks the inputs and outputs to rerun.
const notEval = rows.findIndex((r) => !Array.isArray(r.example_outputs) || typeof r.example_str !== 'string');
if (notEval >= 0) {
  console.error(`synth-verify: ${file}:${notEval + 1}: not a --for-eval sample (no example_str/example_outputs); build one with run-reasoning synth --stage build --for-eval --from <out>/filtered.jsonl --out <dir>`);
  process.exit(2);
}
const subset = sampleSubset(rows, Number(opt('--n', 200)), Number(opt('--seed', 0)));
const parallel = Number(opt('--parallel', 2));
const sandbox = createSandbox({ kind: opt('--sandbox', 'docker'), parallel, docker: { preload: judgePreload('case2code') }, local: { preload: judgePreload('case2code') } });
const t0 = Date.now();
try {
  const results = await rerunSamples(subset, sandbox, parallel);
  const bad = results.filter((r) => r.outcome.status !== 'correct');
  const outputs = subset.reduce((s, r) => s + r.example_outputs.length, 0);
  console.log(`rerun ${results.length} of ${rows.length} samples (${outputs} outputs) in fresh children: ${results.length - bad.length} reproduced exactly, ${bad.length} differ  (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
  for (const b of bad) console.log(`${b.id}\t${b.outcome.status}\t${(b.outcome.detail ?? '').slice(0, 200)}`);
} finally {
  await sandbox.close();
}
