#!/usr/bin/env bash
# Makes sure a Docker engine answers on this host: installs docker.io on Debian and starts dockerd
# in the background when no engine runs (these machines have no systemd).
set -euo pipefail
sock=${DOCKER_SOCKET:-/var/run/docker.sock}
if docker info >/dev/null 2>&1; then exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-docker: no Docker engine and cannot install one (need root on Debian); use --sandbox local" >&2
    exit 1
  fi
  echo "ensure-docker: installing docker.io" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if [ ! -S "$sock" ] || ! docker info >/dev/null 2>&1; then
  echo "ensure-docker: starting dockerd" >&2
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
docker info >/dev/null 2>&1 || { echo "ensure-docker: dockerd did not come up, see /var/log/dockerd.log" >&2; exit 1; }
