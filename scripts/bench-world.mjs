#!/usr/bin/env node
// run-world with the offline models on N tasks x 10 turns, twice:
//   run 1 (empty caches): wall time, the share of it during which no sandbox call was in flight
//         (orchestration overhead; target <= 10%), model calls, judgments, peak host RSS (< 500 MB);
//   run 2 (identical settings, new directory, same caches): calls and judgments (target 0) and time.
// Usage: node scripts/bench-world.mjs [--limit 200] [--setting CF_EF_FULL_SNF] [--parallel 2] [--concurrency 8]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, createSandbox, runWorld } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const limit = Number(arg('--limit', '200'));
const setting = arg('--setting', 'CF_EF_FULL_SNF');
const parallel = Number(arg('--parallel', '2'));
const concurrency = Number(arg('--concurrency', '8'));
const dataset = arg('--dataset', 'bigcodebench@v0.1.0_hf');
const work = mkdtempSync(join(tmpdir(), 'bench-world-'));

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);

/** Wraps the sandbox to measure the union of intervals with at least one call in flight. */
function timed(sb) {
  const t = { inFlight: 0, since: 0, busyMs: 0 };
  const wrap = (fn) => async (...a) => {
    if (t.inFlight++ === 0) t.since = performance.now();
    try { return await fn(...a); } finally { if (--t.inFlight === 0) t.busyMs += performance.now() - t.since; }
  };
  const proxy = Object.create(sb);
  for (const m of ['runUnittest', 'checkSyntax', 'runChecks']) proxy[m] = wrap(sb[m].bind(sb));
  return { sandbox: proxy, t };
}

async function run(name) {
  const cfg = resolveWorldConfig([
    { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
    { file: 'bench', values: { dataset, limit, setting, maxTurns: 10, concurrency, model: 'offline:0.5', out: join(work, name), cacheDir: join(work, 'cache') } },
  ]);
  const sb = createSandbox({ kind: 'docker', parallel });
  await sb.start();
  const { sandbox, t } = timed(sb);
  const t0 = performance.now();
  const r = await runWorld(cfg, { sandbox });
  const wall = performance.now() - t0;
  await sb.close();
  const outside = (wall - t.busyMs) / wall;
  console.log(`${name}: ${r.summary.n_tasks} tasks, MRR ${(r.summary.mrr * 100).toFixed(1)} recall ${(r.summary.recall * 100).toFixed(1)}; wall ${(wall / 1000).toFixed(1)} s, sandbox busy ${(t.busyMs / 1000).toFixed(1)} s, outside sandbox ${(outside * 100).toFixed(1)}%; model calls ${JSON.stringify(r.stats.modelCalls)}; judgments ${r.stats.judged} (+${r.stats.execCacheHits} from cache)`);
  return r;
}

await run('run1');
await run('run2');
clearInterval(sampler);
console.log(`host peak RSS ${(peakRss / 1e6).toFixed(0)} MB (target < 500 MB)`);
rmSync(work, { recursive: true, force: true });
