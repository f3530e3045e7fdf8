#!/usr/bin/env bash
# Installs what the project needs on a Debian host: the Docker engine (started without systemd),
# bubblewrap for the local sandbox, Redis for the queue sandbox (started without systemd), then the
# sandbox image (built only when its recipe changed).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# Headless Chromium renders the compare-runs HTML report in the tests.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# openssl makes the self-signed certificate of the queue's TLS test.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
bash "$here/scripts/ensure-docker.sh"
bash "$here/scripts/ensure-redis.sh"
bash "$here/scripts/build-image.sh" >/dev/null
bash "$here/scripts/build-repo-image.sh" >/dev/null
