#!/usr/bin/env bash
# Offline models of three strengths on the first N tasks of each benchmark (run-repo), then a table of
# the summaries and a check that each summary recomputed from results.jsonl equals the stored one.
# Usage: nice -n 10 bash scripts/repo-offline-grid.sh [N=100] [logs dir=logs/repo-grid]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100}
dir=${2:-$here/logs/repo-grid}
for bench in method_gen_multiturn completion program_repair; do
  for skill in 0.2 0.5 0.8; do
    out="$dir/${bench}_offline-$skill"
    node "$here/dist/cli/run-repo.js" --benchmark "$bench" --model "offline:$skill" --limit "$n" --out "$out" --quiet >/dev/null
    node "$here/dist/cli/run-repo.js" summarize "$out" | tail -1 | sed "s|^|$bench offline:$skill: summary |" >&2
  done
done
node -e '
const fs = require("fs"), path = require("path");
const dir = process.argv[1];
for (const d of fs.readdirSync(dir).sort()) {
  const s = JSON.parse(fs.readFileSync(path.join(dir, d, "results_summary.json"), "utf8"));
  const pr = Object.entries(s.pass_rates).map(([k, v]) => `${k.replace("pass_rate", "")}=${v.toFixed(1)}`).join(" ");
  const pp = Object.entries(s.percent_pass).map(([k, v]) => `${k.replace("percent_pass", "")}=${v.toFixed(1)}`).join(" ");
  console.log(`${d.padEnd(36)} n=${s.num_datapoints} pass_rate ${pr} | percent_pass ${pp} | chrF ${s.chrf.toFixed(1)} prefix ${s.common_prefix_ratio.toFixed(3)}${s.match_method_name === null ? "" : " name " + s.match_method_name.toFixed(1)}`);
}' "$dir"
