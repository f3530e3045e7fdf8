#!/usr/bin/env node
// Re-judges every task of a built set with the judgment cache off: the reference must pass its tests
// and the `pass` stub and the buggy variant must fail them. Prints the counts and the time per judgment (median, p90).
// Usage: nice -n 10 node scripts/repo-check.mjs [--tasks data/repo/django-tasks.jsonl] [--parallel 2] [--limit N]
import { checkRepoTasks } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const result = await checkRepoTasks({
  tasks: arg('--tasks', new URL('../data/repo/django-tasks.jsonl', import.meta.url).pathname),
  parallel: Number(arg('--parallel', '2')),
  ...(arg('--limit') ? { limit: Number(arg('--limit')) } : {}),
  onProgress: (c) => process.stderr.write(`${c.checked}/${c.total} checked: ${c.referencePasses} references pass, ${c.stubFails} stubs fail, ${c.buggyFails} buggy variants fail\n`),
});
console.log(JSON.stringify(result, null, 2));
