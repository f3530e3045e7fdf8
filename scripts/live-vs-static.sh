#!/usr/bin/env bash
# The README's live-vs-static demonstration on the BigCodeBench Hard subset, with offline models as
# the "models": a reference run (offline:$REF) is frozen, then each target strength is run live
# (run-world) and replayed on the frozen reference (run-bench), and compare-runs ranks them.
# Usage: bash scripts/live-vs-static.sh [out-dir]
#   env: PROTOCOL (default: run-world's, convcodeworld), REF, TARGETS, SETTINGS, DATASET, SUBSET, LIMIT, PARALLEL, TIMEOUT (s per suite; default 30,
#   not run-world's 121, because offline mutants that loop forever would otherwise dominate the wall time)
# Every step resumes, so rerunning after an interruption only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-logs/live-vs-static}
REF=${REF:-0.3}
TARGETS=${TARGETS:-"0.1 0.5 0.9"}
SETTINGS=${SETTINGS:-"CF_EF_UNIT_SNF CF_EF_FULL_SNF CF_SEF CF_EF_UNIT_SEF CF_EF_FULL_SEF"}
DATASET=${DATASET:-bigcodebench@v0.1.0_hf}
SUBSET=${SUBSET:-hard}
PAR=${PARALLEL:-3}
TIMEOUT=${TIMEOUT:-30}
sel=(--subset "$SUBSET" --dataset "$DATASET")
[ -n "${LIMIT:-}" ] && sel+=(--limit "$LIMIT")
mkdir -p "$OUT/ref" "$OUT/live" "$OUT/static"
stamp() { date -u +%H:%M:%S; }

live() { # model setting dir
  local t0=$SECONDS
  node dist/cli/run-world.js --model "offline:$1" --setting "$2" "${sel[@]}" --out "$3" \
    --quiet --concurrency 8 --parallel "$PAR" --timeout "$TIMEOUT" ${PROTOCOL:+--protocol "$PROTOCOL"} >"$3.out" 2>&1 || { cat "$3.out" >&2; return 1; }
  echo "$(stamp) live offline:$1 $2: $((SECONDS - t0)) s"
}

for s in $SETTINGS; do live "$REF" "$s" "$OUT/ref/$s"; done
refdirs=(); for s in $SETTINGS; do refdirs+=("$OUT/ref/$s"); done
node dist/cli/run-bench.js freeze --run "${refdirs[@]}" --out "$OUT/reference-offline-$REF.json" >/dev/null
echo "$(stamp) froze $OUT/reference-offline-$REF.json"

for m in $TARGETS; do
  for s in $SETTINGS; do live "$m" "$s" "$OUT/live/$m-$s"; done
  t0=$SECONDS
  node dist/cli/run-bench.js --reference "$OUT/reference-offline-$REF.json" --dataset "$DATASET" --model "offline:$m" \
    --out "$OUT/static/$m" --concurrency 8 --parallel "$PAR" --quiet >"$OUT/static-$m.out" 2>&1 \
    || { cat "$OUT/static-$m.out" >&2; exit 1; }
  echo "$(stamp) static offline:$m (all settings): $((SECONDS - t0)) s"
done

node dist/cli/compare-runs.js "$OUT/live" "$OUT/static" --markdown "$OUT/report.md" --html "$OUT/report.html" --quiet
echo "$(stamp) wrote $OUT/report.md and $OUT/report.html"
