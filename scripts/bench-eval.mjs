#!/usr/bin/env node
// Speed of run-eval on canonical solutions against the upstream way, in one process:
//   ours:     warm containers whose judge pre-imports heavy libraries and forks one child per task;
//   baseline: the same containers and judge, but one fresh python3 process per task (upstream's way).
// Same image, same judge program, same parallelism. Prints wall times, the ratio, p50/p90 per task
// and the host-side peak RSS of this process.
// Usage: node scripts/bench-eval.mjs [--dataset NAME|FILE] [--limit N] [--parallel 2] [--timeout 240] [--keep DIR]
// --keep DIR keeps our run's eval_results.json there (e.g. for scripts/fidelity.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, loadTaskSet, runEval } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const dataset = arg('--dataset', 'bigcodebench@v0.1.4');
const parallel = Number(arg('--parallel', '2'));
const timeoutS = Number(arg('--timeout', '240'));
const limit = arg('--limit');
const keep = arg('--keep');
const ids = limit ? (await loadTaskSet(dataset)).all.slice(0, Number(limit)).map((t) => t.task_id) : undefined;

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);

async function once(label, fresh) {
  const out = !fresh && keep ? keep : mkdtempSync(join(tmpdir(), `bench-eval-${label}-`));
  rmSync(join(out, 'eval_progress.jsonl'), { force: true });
  const sb = createSandbox({ kind: 'docker', parallel });
  await sb.start(); // warm pool before the clock starts, for both
  const t0 = performance.now();
  const r = await runEval({ dataset, canonical: true, ids, timeoutS, out, parallel: parallel * 2, fresh }, { sandbox: sb });
  const wall = (performance.now() - t0) / 1000;
  await sb.close();
  const { readFileSync } = await import('node:fs');
  const durs = readFileSync(join(out, 'eval_progress.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).durationMs).sort((a, b) => a - b);
  const q = (p) => durs[Math.min(durs.length - 1, Math.floor(p * durs.length))] / 1000;
  const statuses = Object.fromEntries(Object.entries(JSON.parse(readFileSync(r.file, 'utf8')).eval).map(([id, e]) => [id, e[0].status]));
  if (out !== keep) rmSync(out, { recursive: true, force: true });
  console.log(`${label.padEnd(9)} wall ${wall.toFixed(1)} s  tasks ${durs.length}  pass ${r.counts.pass}  p50 ${q(0.5).toFixed(3)} s  p90 ${q(0.9).toFixed(3)} s`);
  return { wall, statuses };
}

const ours = await once('ours', false);
const base = await once('baseline', true);
clearInterval(sampler);
const differ = Object.keys(ours.statuses).filter((id) => ours.statuses[id] !== base.statuses[id]);
console.log(`ratio ours/baseline ${(ours.wall / base.wall).toFixed(3)}  (target <= 0.5)`);
console.log(`status differs on ${differ.length} tasks${differ.length ? `: ${differ.slice(0, 20).join(' ')}` : ''}`);
console.log(`host peak RSS ${(peakRss / 1e6).toFixed(0)} MB (target < 300 MB)`);
