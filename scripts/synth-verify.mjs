#!/usr/bin/env node
// Reruns a random subset of a synth --for-eval samples file in fresh sandbox children (through the
// Case2Code scorer's harness) and reports how many kept outputs are reproduced exactly.
// Usage: node scripts/synth-verify.mjs <samples.jsonl> [--n 200] [--seed 0] [--sandbox docker|local] [--parallel 2]
import { verifySynthSamples } from 'codeconv-eval';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const file = args[0];
if (!file || file.startsWith('--')) {
  console.error('usage: node scripts/synth-verify.mjs <samples.jsonl> [--n 200] [--seed 0] [--sandbox docker|local] [--parallel 2]');
  process.exit(2);
}
let r;
try {
  r = await verifySynthSamples({ samples: file, n: Number(opt('--n', 200)), seed: Number(opt('--seed', 0)), sandbox: opt('--sandbox', 'docker'), parallel: Number(opt('--parallel', 2)) });
} catch (err) {
  if (err?.name !== 'UserError') throw err;
  console.error(`synth-verify: ${err.message}`);
  process.exit(2);
}
const bad = r.rerun.filter((x) => x.outcome.status !== 'correct');
console.log(`rerun ${r.rerun.length} of ${r.total} samples (${r.outputs} outputs) in fresh children: ${r.rerun.length - bad.length} reproduced exactly, ${bad.length} differ  (${(r.wallMs / 1000).toFixed(0)}s)`);
for (const b of bad) console.log(`${b.id}\t${b.outcome.status}\t${(b.outcome.detail ?? '').slice(0, 200)}`);
