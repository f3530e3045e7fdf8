#!/usr/bin/env node
// Two measurements in one run (build first: npm run build):
// 1. queue overhead: the same canonical judgments direct (one sandbox pool of P slots) and through the
//    queue (a fresh redis-server, one run-worker child with the same P slots); wall ratio, the overhead
//    per judgment in ms of slot time, and whether every status is the same.
// 2. busy cores: a local run with one slot per core (the old default, 2) against the new default pool
//    (src/sandbox/slots.ts); the share of cores x wall that the judges spent on CPU, and the statuses.
// Usage: node scripts/bench-queue.mjs [--sandbox docker|local] [--n 200] [--slots 2] [--busy-n 1140] [--busy-skip 0] [--skip-queue] [--skip-busy]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, loadTaskSet, runEval } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const flag = (name) => process.argv.includes(name);
const dataset = arg('--dataset', 'bigcodebench@v0.1.4');
const kind = arg('--sandbox', 'docker');
const n = Number(arg('--n', '200'));
const slots = Number(arg('--slots', '2'));
const busyN = Number(arg('--busy-n', '1140'));
const busySkip = Number(arg('--busy-skip', '0'));
const timeoutS = 240;
const cores = availableParallelism();
const tasks = (await loadTaskSet(dataset)).all;
const ids = (k) => tasks.slice(0, k).map((t) => t.task_id);
const tmp = mkdtempSync(join(tmpdir(), 'bench-queue-'));

/** CPU seconds the judges used: container cgroups (docker) or this process's descendants (local). */
function cpuMeter() {
  const seen = new Map();
  const ticks = 100;
  let mine = new Set();
  let tick = 0;
  const sample = () => {
    if (kind === 'docker') {
      const root = '/sys/fs/cgroup/cpuacct/docker';
      let list = [];
      try { list = readdirSync(root); } catch { /* cgroup v2 or no containers yet */ }
      // Asking the engine which containers are ours costs CPU too: every fifth sample only.
      if (tick++ % 5 === 0) mine = new Set(spawnSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=codeconv.pid=${process.pid}`], { encoding: 'utf8' }).stdout.trim().split('\n'));
      for (const id of list) {
        if (!mine.has(id)) continue;
        try { seen.set(id, Math.max(seen.get(id) ?? 0, Number(readFileSync(join(root, id, 'cpuacct.usage'), 'utf8')) / 1e9)); } catch { /* gone */ }
      }
    } else {
      // Live descendants' own and reaped children's time: each process counted once while it lives.
      const kids = new Map();
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          kids.set(Number(p), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / ticks, start: f[19] });
        } catch { /* exited */ }
      }
      const desc = new Set([process.pid]);
      let grew = true;
      while (grew) { grew = false; for (const [pid, k] of kids) if (!desc.has(pid) && desc.has(k.ppid)) { desc.add(pid); grew = true; } }
      desc.delete(process.pid);
      for (const pid of desc) { const k = kids.get(pid); const key = `${pid}@${k.start}`; seen.set(key, Math.max(seen.get(key) ?? 0, k.cpu)); }
    }
  };
  const timer = setInterval(sample, kind === 'docker' ? 1000 : 250);
  return { stop: () => { clearInterval(timer); sample(); return [...seen.values()].reduce((a, b) => a + b, 0); } };
}

async function judge(label, sandbox, taskIds, inFlight, meter = false) {
  const out = join(tmp, label);
  await sandbox.start();
  const m = meter ? cpuMeter() : undefined;
  const t0 = performance.now();
  const r = await runEval({ dataset, canonical: true, ids: taskIds, timeoutS, out, parallel: inFlight }, { sandbox });
  const wall = (performance.now() - t0) / 1000;
  const cpu = m?.stop();
  await sandbox.close();
  const evals = Object.entries(JSON.parse(readFileSync(r.file, 'utf8')).eval);
  const statuses = Object.fromEntries(evals.map(([id, e]) => [id, e[0].status]));
  const details = Object.fromEntries(evals.map(([id, e]) => [id, e[0].details]));
  console.log(`${label.padEnd(14)} wall ${wall.toFixed(1)} s  tasks ${taskIds.length}  pass ${r.counts.pass}${cpu !== undefined ? `  judge CPU ${cpu.toFixed(1)} s  busy ${(100 * cpu / (wall * cores)).toFixed(1)}% of ${cores} cores` : ''}`);
  return { wall, statuses, details, cpu };
}

const differ = (a, b) => Object.keys(a).filter((id) => a[id] !== b[id]);

async function queuePart() {
  const port = 20000 + (process.pid % 20000);
  const dir = join(tmp, 'redis');
  spawnSync('mkdir', ['-p', dir]);
  const redis = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', join(dir, 'pid')]);
  if (redis.status !== 0) throw new Error('cannot start redis-server (bash scripts/ensure-redis.sh installs it)');
  const url = `redis://127.0.0.1:${port}`;
  const worker = spawn(process.execPath, [new URL('../dist/cli/run-worker.js', import.meta.url).pathname, '--queue', url, '--parallel', String(slots), '--sandbox', kind], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    let err = '';
    worker.stderr.on('data', (d) => { err += d; if (err.includes('serving')) resolve(); });
    worker.on('exit', (c) => reject(new Error(`worker exited ${c}: ${err}`)));
  });
  try {
    const direct = await judge('direct', createSandbox({ kind, parallel: slots }), ids(n), slots * 2);
    const queued = await judge('queue', createSandbox({ kind: 'queue', url, ...(kind === 'local' ? { image: 'local' } : {}) }), ids(n), slots * 2);
    const d = differ(direct.statuses, queued.statuses);
    console.log(`queue/direct wall ${(queued.wall / direct.wall).toFixed(3)} (target <= 1.05)  overhead ${(((queued.wall - direct.wall) * 1000 * slots) / n).toFixed(1)} ms of slot time per judgment`);
    console.log(`status differs on ${d.length} of ${n} tasks${d.length ? `: ${d.join(' ')}` : ''}`);
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1];
    console.log(`worker peak RSS ${(Number(hwm) / 1024).toFixed(0)} MB (target < 300 MB)`);
  } finally {
    worker.kill('SIGTERM');
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
  }
}

async function busyPart() {
  const busyIds = ids(busySkip + busyN).slice(busySkip);
  const before = await judge(`${cores} slots`, createSandbox({ kind, parallel: cores }), busyIds, cores * 2, true);
  // No parallel given: the sandbox's default pool size (2 per core), the figure this part measures.
  const after = await judge(`${2 * cores} slots (default)`, createSandbox({ kind }), busyIds, 4 * cores, true);
  const d = differ(before.statuses, after.statuses);
  const share = (r) => r.cpu / (r.wall * cores);
  console.log(`busy share ${(100 * share(before)).toFixed(1)}% -> ${(100 * share(after)).toFixed(1)}% (ratio ${(share(after) / share(before)).toFixed(2)})  wall ratio ${(after.wall / before.wall).toFixed(3)}`);
  console.log(`status differs on ${d.length} of ${busyN} tasks${d.length ? `: ${d.join(' ')}` : ''}`);
  for (const id of d) for (const [label, r] of [['before', before], ['after', after]]) console.log(`  ${id} ${label} ${r.statuses[id]} ${JSON.stringify(r.details[id]).slice(0, 300)}`);
}

try {
  if (!flag('--skip-queue')) await queuePart();
  if (!flag('--skip-busy')) await busyPart();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
