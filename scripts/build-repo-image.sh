#!/usr/bin/env bash
# Builds the Django repository image: the current base sandbox image (scripts/build-image.sh) plus
# Django's source with its tests at /opt/django (envs/django/setup.sh, run in a container, committed).
# The tag hashes the base tag and the recipe, so it is built only when either changes.
# Usage: scripts/build-repo-image.sh   Prints the tag on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir="$here/envs/django"
base=$(bash "$here/scripts/build-image.sh")
recipe_hash=$(cd "$dir" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
hash=$(printf '%s\n%s\n' "$base" "$recipe_hash" | sha256sum | cut -c1-12)
tag="codeconv-django:$hash"
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
name="codeconv-django-build-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
start=$(date +%s)
echo "build-repo-image: adding Django's source to $base" >&2
docker run --name "$name" --user 0:0 -v "$dir:/recipe:ro" "$base" /bin/sh /recipe/setup.sh >&2
docker commit --change 'USER 1000:1000' --change 'WORKDIR /opt/django' --change 'CMD ["python3"]' \
  --change "LABEL codeconv.recipe=django codeconv.hash=$hash codeconv.base=$base" "$name" "$tag" >/dev/null
docker tag "$tag" codeconv-django:latest
secs=$(( $(date +%s) - start ))
size=$(docker image inspect "$tag" --format '{{.Size}}')
bsize=$(docker image inspect "$base" --format '{{.Size}}')
echo "build-repo-image: built $tag in ${secs}s, $((size / 1000000)) MB ($(( (size - bsize) / 1000000 )) MB over the base)" >&2
echo "$tag"
