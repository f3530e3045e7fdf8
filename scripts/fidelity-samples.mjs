#!/usr/bin/env node
// Judges a model's samples with run-eval and compares each task's status with the official harness's
// eval_results.json: agreement over all tasks and over tasks whose canonical solution passes here,
// then every disagreement with a cause (environment: data, library, version, network; timing; judge?).
// Usage: node scripts/fidelity-samples.mjs --samples S.jsonl --official eval_results.json
//        [--canonical our-canonical-eval_results.json] [--reference canonical-status.json]
//        [--dataset v0.1.4.jsonl] [--out DIR] [--parallel 2] [--timeout 240] [--image TAG]
// Without --canonical the canonical solutions are judged too (into DIR/canonical). Reruns resume.
// --no-run compares what DIR/eval_progress.jsonl holds so far (a partial run); without --canonical it
// then takes "canonical passes here" from the reference statuses plus resources/bigcodebench-supplied.json.
// Tasks whose test or prompt differs in --alt-dataset (default v0.1.0_hf) are flagged "dataset version".
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, prepareDataset, runEval } from 'codeconv-eval';

const shared = new URL('../../shared/', import.meta.url).pathname;
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const samples = arg('--samples');
const official = arg('--official');
if (!samples || !official) {
  console.error('usage: node scripts/fidelity-samples.mjs --samples S.jsonl --official eval_results.json [--canonical F] [--out DIR]');
  process.exit(2);
}
const dataset = arg('--dataset', 'bigcodebench@v0.1.4');
const reference = arg('--reference', join(shared, 'reference/bigcodebench/canonical-status-v0.1.4-debian-bookworm.json'));
const out = arg('--out', 'logs/fidelity-samples');
const parallel = Number(arg('--parallel', '2'));
const timeoutS = Number(arg('--timeout', '240'));
const readEval = (f) => JSON.parse(readFileSync(f, 'utf8')).eval;

const noRun = process.argv.includes('--no-run');
const sandbox = noRun ? null : createSandbox({ kind: 'docker', parallel, image: arg('--image') });
let canonicalFile = arg('--canonical');
if (sandbox) try {
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const r = await runEval({ dataset, samples, timeoutS, out, parallel: parallel * 2 }, { sandbox });
  console.log(`samples: judged ${r.judged}, resumed ${r.resumed} in ${((performance.now() - t0) / 1000).toFixed(0)} s -> ${r.file}`);
  if (!canonicalFile) {
    const c = await runEval({ dataset, canonical: true, timeoutS, out: join(out, 'canonical'), parallel: parallel * 2 }, { sandbox });
    canonicalFile = c.file;
  }
} finally {
  await sandbox.close();
}

const progress = () => Object.fromEntries(readFileSync(join(out, 'eval_progress.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.task_id, [r]]));
const ours = noRun ? progress() : readEval(join(out, 'eval_results.json'));
const theirs = Object.fromEntries(Object.entries(readEval(official)).filter(([id]) => !noRun || ours[id]));
const ref = JSON.parse(readFileSync(reference, 'utf8'));
const supplied = JSON.parse(readFileSync(new URL('../resources/bigcodebench-supplied.json', import.meta.url), 'utf8')).tasks;
const estimated = !canonicalFile;
const canon = canonicalFile ? readEval(canonicalFile)
  : Object.fromEntries(Object.keys(ref).map((id) => [id, [{ status: ref[id] === 'pass' || supplied[id] ? 'pass' : 'fail' }]]));
const loadTasks = (f) => Object.fromEntries(readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((t) => [t.task_id, t]));
// Names are pulled (or found in the cache) and read from their decoded records.
const recordsOf = async (d) => (existsSync(d) ? d : (await prepareDataset(d)).records);
const altFile = await recordsOf(arg('--alt-dataset', 'bigcodebench@v0.1.0_hf'));
const [cur, alt] = [loadTasks(await recordsOf(dataset)), existsSync(altFile) ? loadTasks(altFile) : {}];
const changed = (id) => alt[id] && (alt[id].test !== cur[id]?.test || alt[id].code_prompt !== cur[id]?.code_prompt);
const status = (e) => e?.[0]?.status ?? 'missing';
const lastLines = (e) => Object.entries(e?.[0]?.details ?? {}).map(([k, v]) => `${k}: ${String(v).trim().split('\n').pop()}`);

// Reference categories name why a canonical solution fails on Debian; they map onto our cause classes.
const REF_CAUSE = { 'nltk-data': 'environment:data', 'missing-lib': 'environment:library', 'version-drift': 'environment:version', network: 'environment:network' };
function cause(id, o, t) {
  const text = lastLines(o).join('\n');
  if (changed(id)) return 'dataset version (test or prompt differs between v0.1.4 and the alternate dataset)';
  if (status(canon[id]) !== 'pass') return `${REF_CAUSE[ref[id]] ?? 'environment'} (canonical fails here: ${ref[id] ?? 'unknown'})`;
  if (status(o) === 'timeout' || status(t) === 'timeout' || /Timeout|timed out|TimeoutError/i.test(text)) return 'timing';
  if (/ModuleNotFoundError|No module named|ImportError/.test(text)) return 'environment:library';
  if (/LookupError|Resource \S+ not found/.test(text)) return 'environment:data';
  if (/socket\.gaierror|URLError|ConnectionError|Name or service not known|Network is unreachable/.test(text)) return 'environment:network';
  return 'unexplained (environment:version, timing, or judge: see docs/fidelity.md)';
}

const ids = Object.keys(theirs).sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]));
let agree = 0, canonN = 0, canonAgree = 0;
const diffs = [];
for (const id of ids) {
  const same = (status(ours[id]) === 'pass') === (status(theirs[id]) === 'pass');
  if (same) agree++;
  if (status(canon[id]) === 'pass') { canonN++; if (same) canonAgree++; }
  if (!same) diffs.push({ id, ours: status(ours[id]), official: status(theirs[id]), cause: cause(id, ours[id], theirs[id]) });
}
const pct = (a, b) => ((100 * a) / b).toFixed(2);
const passes = (m) => ids.filter((id) => status(m[id]) === 'pass').length;
console.log(`tasks ${ids.length}${noRun ? ' (judged so far)' : ''}  ours pass ${passes(ours)}  official pass ${passes(theirs)}  canonical pass here ${canonN}${estimated ? ' (estimated: reference statuses + supplied tasks)' : ''}`);
console.log(`agreement all tasks ${agree}/${ids.length} (${pct(agree, ids.length)}%)  where canonical passes here ${canonAgree}/${canonN} (${pct(canonAgree, canonN)}%)`);
const byCause = {};
for (const d of diffs) byCause[d.cause.split(' (')[0]] = (byCause[d.cause.split(' (')[0]] ?? 0) + 1;
console.log(`disagreements ${diffs.length}: ${Object.entries(byCause).map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const d of diffs) {
  console.log(`${d.id}\tours=${d.ours}\tofficial=${d.official}\t${d.cause}`);
  const side = d.ours === 'pass' ? theirs[d.id] : ours[d.id];
  for (const l of lastLines(side).slice(0, 2)) console.log(`    ${d.ours === 'pass' ? 'official' : 'ours'}: ${l.slice(0, 200)}`);
}
