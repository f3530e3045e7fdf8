#!/usr/bin/env node
// Re-judges every task of a built set with the judgment cache off: the reference must pass its tests
// and the `pass` stub and the buggy variant must fail them. Prints the counts and the time per judgment (median, p90).
// Usage: nice -n 10 node scripts/repo-check.mjs [--tasks data/repo/django-tasks.jsonl] [--parallel 2] [--limit N]
import { RepoSandbox, loadRepoTasks, methodText, mutatedMethod, parseTestOutput, replacementFor, stubText } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const file = arg('--tasks', new URL('../data/repo/django-tasks.jsonl', import.meta.url).pathname);
const parallel = Number(arg('--parallel', '2'));
const { header, tasks: all } = loadRepoTasks(file);
const tasks = arg('--limit') ? all.slice(0, Number(arg('--limit'))) : all;
const sb = new RepoSandbox({ parallel });
const ms = [];
let refPass = 0, stubFail = 0, buggyFail = 0, checked = 0;
const bad = [];
const t0 = Date.now();
// A plain pool of `parallel` loops over one shared queue of tasks.
const queue = [...tasks];
const checkOne = async (t) => {
  const labels = t.tests.full_paths.slice(0, 20);
  const ref = await sb.judge({ replace: replacementFor(t, methodText(t, 'method_gen_multiturn', `${t.method.declaration}\n${t.method.body}`)), labels, timeoutS: 60 });
  const stub = await sb.judge({ replace: replacementFor(t, stubText(t)), labels, timeoutS: 60 });
  const buggy = await sb.judge({ replace: replacementFor(t, mutatedMethod(t, t.bug)), labels, timeoutS: 60 });
  ms.push(ref.wallMs, stub.wallMs, buggy.wallMs);
  const r = parseTestOutput(ref.output).ok, s = parseTestOutput(stub.output).ok, b = parseTestOutput(buggy.output).ok;
  if (r) refPass++; else bad.push(`${t.dp_id}: reference fails`);
  if (!s) stubFail++; else bad.push(`${t.dp_id}: stub passes`);
  if (!b) buggyFail++; else bad.push(`${t.dp_id}: buggy variant passes`);
  process.stderr.write(`${++checked}/${tasks.length} checked: ${refPass} references pass, ${stubFail} stubs fail, ${buggyFail} buggy variants fail\n`);
};
await Promise.all(Array.from({ length: parallel }, async () => { for (let t; (t = queue.shift()); ) await checkOne(t); }));
ms.sort((a, b) => a - b);
const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
console.log(JSON.stringify({ tasks_file: file, image: sb.image, source: header.source, tasks: tasks.length, reference_passes: refPass, stub_fails: stubFail, buggy_fails: buggyFail, problems: bad,
  judgments: ms.length, judge_ms_median: q(0.5), judge_ms_p90: q(0.9), wall_s: Math.round((Date.now() - t0) / 1000) }, null, 2));
