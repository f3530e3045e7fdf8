#!/usr/bin/env node
// Re-judges every task of a built set with the judgment cache off: the reference must pass its tests
// and the `pass` stub must fail them. Prints the counts and the time per judgment (median, p90).
// Usage: nice -n 10 node scripts/repo-check.mjs [--tasks data/repo/django-tasks.jsonl] [--parallel 2] [--limit N]
import { methodText, replacementFor } from '../dist/repo/candidate.js';
import { stubText } from '../dist/repo/build.js';
import { parseTestOutput } from '../dist/repo/parse.js';
import { RepoSandbox } from '../dist/repo/sandbox.js';
import { loadRepoTasks } from '../dist/repo/tasks.js';
import { mapLimit } from '../dist/util/concurrency.js';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const file = arg('--tasks', new URL('../data/repo/django-tasks.jsonl', import.meta.url).pathname);
const parallel = Number(arg('--parallel', '2'));
const { header, tasks: all } = loadRepoTasks(file);
const tasks = arg('--limit') ? all.slice(0, Number(arg('--limit'))) : all;
const sb = new RepoSandbox({ parallel });
const ms = [];
let refPass = 0, stubFail = 0;
const bad = [];
const t0 = Date.now();
await mapLimit(tasks, parallel, async (t) => {
  const labels = t.tests.full_paths.slice(0, 20);
  const ref = await sb.judge({ replace: replacementFor(t, methodText(t, 'method_gen_multiturn', `${t.method.declaration}\n${t.method.body}`)), labels, timeoutS: 60 });
  const stub = await sb.judge({ replace: replacementFor(t, stubText(t)), labels, timeoutS: 60 });
  ms.push(ref.wallMs, stub.wallMs);
  const r = parseTestOutput(ref.output).ok, s = parseTestOutput(stub.output).ok;
  if (r) refPass++; else bad.push(`${t.dp_id}: reference fails`);
  if (!s) stubFail++; else bad.push(`${t.dp_id}: stub passes`);
  process.stderr.write(`${ms.length / 2}/${tasks.length} checked: ${refPass} references pass, ${stubFail} stubs fail\n`);
});
ms.sort((a, b) => a - b);
const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
console.log(JSON.stringify({ tasks_file: file, image: sb.image, source: header.source, tasks: tasks.length, reference_passes: refPass, stub_fails: stubFail, problems: bad,
  judgments: ms.length, judge_ms_median: q(0.5), judge_ms_p90: q(0.9), wall_s: Math.round((Date.now() - t0) / 1000) }, null, 2));
