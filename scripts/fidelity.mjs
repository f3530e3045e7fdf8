#!/usr/bin/env node
// Compares run-eval's canonical results with the reference statuses and lists every disagreement.
// Usage: node scripts/fidelity.mjs <eval_results.json> [reference.json] [--hard <hard-task-ids.json>]
import { readFileSync } from 'node:fs';

const [file, refFile = new URL('../../shared/reference/bigcodebench/canonical-status-v0.1.4-debian-bookworm.json', import.meta.url).pathname] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--hard');
const hardIdx = process.argv.indexOf('--hard');
const hard = hardIdx > 0 ? new Set(JSON.parse(readFileSync(process.argv[hardIdx + 1], 'utf8'))) : null;
const ours = JSON.parse(readFileSync(file, 'utf8')).eval;
const ref = JSON.parse(readFileSync(refFile, 'utf8'));
let pass = 0, agree = 0, n = 0, hardPass = 0, hardN = 0;
const diff = [];
for (const [id, entries] of Object.entries(ours)) {
  const st = entries[0].status;
  n++;
  if (st === 'pass') pass++;
  if (hard?.has(id)) { hardN++; if (st === 'pass') hardPass++; }
  if (ref[id] === undefined) continue;
  // The reference gives "pass" or the cause of a failure (version-drift, nltk-data, network, ...).
  const refStatus = ref[id] === 'pass' ? 'pass' : 'fail';
  if ((st === 'pass') === (refStatus === 'pass')) agree++;
  else diff.push({ id, ours: st, reference: ref[id], why: Object.entries(entries[0].details).map(([k, v]) => `${k}: ${String(v).trim().split('\n').pop()}`).join(' | ').slice(0, 300) });
}
console.log(`tasks ${n}  pass ${pass} (${((100 * pass) / n).toFixed(1)}%)  agreement with reference ${agree}/${n} (${((100 * agree) / n).toFixed(2)}%)${hard ? `  hard pass ${hardPass}/${hardN}` : ''}`);
for (const d of diff) console.log(`${d.id}\tours=${d.ours}\treference=${d.reference}\t${d.why}`);
