#!/usr/bin/env node
// Compares run-eval's canonical results with the reference statuses and lists every disagreement.
// Tasks listed in resources/bigcodebench-supplied.json fail in the reference for want of data or a
// library the image now supplies: the adjusted agreement expects them to pass, and each is listed.
// Usage: node scripts/fidelity.mjs <eval_results.json> [reference.json] [--hard <hard-task-ids.json>]
import { readFileSync } from 'node:fs';

const [file, refFile = new URL('../../shared/reference/bigcodebench/canonical-status-v0.1.4-debian-bookworm.json', import.meta.url).pathname] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--hard');
const hardIdx = process.argv.indexOf('--hard');
const hard = hardIdx > 0 ? new Set(JSON.parse(readFileSync(process.argv[hardIdx + 1], 'utf8'))) : null;
const supplied = JSON.parse(readFileSync(new URL('../resources/bigcodebench-supplied.json', import.meta.url), 'utf8')).tasks;
const ours = JSON.parse(readFileSync(file, 'utf8')).eval;
const ref = JSON.parse(readFileSync(refFile, 'utf8'));
let pass = 0, agree = 0, adjAgree = 0, n = 0, hardPass = 0, hardN = 0;
const diff = [];
for (const [id, entries] of Object.entries(ours)) {
  const st = entries[0].status;
  n++;
  if (st === 'pass') pass++;
  if (hard?.has(id)) { hardN++; if (st === 'pass') hardPass++; }
  if (ref[id] === undefined) continue;
  // The reference gives "pass" or the cause of a failure (version-drift, nltk-data, network, ...).
  const same = (st === 'pass') === (ref[id] === 'pass');
  const expected = ref[id] === 'pass' || supplied[id] !== undefined;
  if (same) agree++;
  if ((st === 'pass') === expected) adjAgree++;
  if (!same) {
    const why = supplied[id] && st === 'pass' ? `expected: the image now supplies ${supplied[id]}`
      : Object.entries(entries[0].details).map(([k, v]) => `${k}: ${String(v).trim().split('\n').pop()}`).join(' | ').slice(0, 300);
    diff.push({ id, ours: st, reference: ref[id], why });
  }
}
const pct = (a) => ((100 * a) / n).toFixed(2);
console.log(`tasks ${n}  pass ${pass} (${((100 * pass) / n).toFixed(1)}%)  agreement with reference ${agree}/${n} (${pct(agree)}%)  adjusted for supplied data ${adjAgree}/${n} (${pct(adjAgree)}%)${hard ? `  hard pass ${hardPass}/${hardN}` : ''}`);
for (const d of diff) console.log(`${d.id}\tours=${d.ours}\treference=${d.reference}\t${d.why}`);
