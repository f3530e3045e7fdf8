#!/usr/bin/env node
// Runs run-world in all nine settings and prints a markdown table of MRR and recall per setting.
// Usage: node scripts/world-settings.mjs [--protocol convcodeworld|clean] [--model offline:0.5] [--subset hard] [--dataset F] [--limit N] [--timeout S] [--out-root logs/settings] [--image TAG]
import { join } from 'node:path';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig, SETTING_NAMES, createSandbox, runWorld } from 'codeconv-eval';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const model = arg('--model', 'offline:0.5');
const subset = arg('--subset', 'hard');
const limit = arg('--limit');
const timeout = arg('--timeout');
const protocol = arg('--protocol');
const dataset = arg('--dataset', 'bigcodebench@v0.1.0_hf');
const root = arg('--out-root', 'logs/settings');
const sb = createSandbox({ kind: 'docker', parallel: Number(arg('--parallel', '2')), image: arg('--image') });
const rows = [];
const t0 = Date.now();
try {
  for (const setting of SETTING_NAMES) {
    const cfg = resolveWorldConfig([
      { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
      { file: 'script', values: { dataset, subset, model, setting, concurrency: 8, out: join(root, `${model.replace(/[^A-Za-z0-9.]+/g, '-')}_${setting}`), ...(limit ? { limit: Number(limit) } : {}), ...(timeout ? { timeoutS: Number(timeout) } : {}), ...(protocol ? { protocol } : {}) } },
    ]);
    const r = await runWorld(cfg, { sandbox: sb });
    const s = r.summary;
    rows.push({ protocol: s.protocol, setting, mrr: (s.mrr * 100).toFixed(1), recall: (s.recall * 100).toFixed(1), p0: (s.pass_at_1_by_turn[0] * 100).toFixed(1), coder: s.usage.coder.calls, user: s.usage.user.calls, n: s.n_tasks, errors: s.n_errors });
    console.error(`${setting}: MRR ${rows.at(-1).mrr} recall ${rows.at(-1).recall} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
} finally {
  await sb.close();
}
console.log(`${model} (synthetic), protocol ${rows[0]?.protocol}, ${rows[0]?.n} tasks (${subset}), ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(`| | ${rows.map((r) => r.setting).join(' | ')} |`);
console.log(`|---|${rows.map(() => '---').join('|')}|`);
console.log(`| MRR | ${rows.map((r) => r.mrr).join(' | ')} |`);
console.log(`| Recall | ${rows.map((r) => r.recall).join(' | ')} |`);
console.log(`| turn-0 pass@1 | ${rows.map((r) => r.p0).join(' | ')} |`);
console.log(`| coder calls | ${rows.map((r) => r.coder).join(' | ')} |`);
console.log(`| user calls | ${rows.map((r) => r.user).join(' | ')} |`);
