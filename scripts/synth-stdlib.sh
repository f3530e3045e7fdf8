#!/usr/bin/env bash
# Copies the Python standard library installed in the sandbox image to a host folder, so that
# `run-reasoning synth --from <folder>` can take its top-level functions.
# Usage: bash scripts/synth-stdlib.sh <dest-dir> [image-tag]
set -euo pipefail
dest=${1:?usage: synth-stdlib.sh <dest-dir> [image-tag]}
here=$(cd "$(dirname "$0")/.." && pwd)
image=${2:-$(cd "$here" && node -e "import('./dist/sandbox/paths.js').then((m) => console.log(m.defaultImage()))")}
# The stdlib folder as the image's interpreter reports it (e.g. /usr/lib/python3.11).
stdlib=$(docker run --rm --network none "$image" python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
mkdir -p "$dest"
docker run --rm --network none "$image" tar -C "$(dirname "$stdlib")" -cf - "$(basename "$stdlib")" | tar -C "$dest" -xf -
echo "$dest/$(basename "$stdlib")  ($(find "$dest/$(basename "$stdlib")" -name '*.py' | wc -l) .py files, from $image)"
