#!/usr/bin/env bash
# Makes sure a Redis server answers for the queue sandbox: installs Debian's redis-server and starts
# it in the background when none answers (these machines have no systemd).
# REDIS_PORT (default 6379) and REDIS_BIND (default 127.0.0.1; give the host's address for workers
# on other machines, and set REDIS_PASSWORD then) choose where it listens.
set -euo pipefail
port=${REDIS_PORT:-6379}
bind=${REDIS_BIND:-127.0.0.1}
ping() { redis-cli -h "${bind%% *}" -p "$port" ${REDIS_PASSWORD:+--no-auth-warning -a "$REDIS_PASSWORD"} ping 2>/dev/null | grep -q PONG; }
if command -v redis-cli >/dev/null 2>&1 && ping; then exit 0; fi
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-redis: no redis-server and cannot install one (need root on Debian)" >&2
    exit 1
  fi
  echo "ensure-redis: installing redis-server" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
dir=${REDIS_DIR:-/var/lib/redis}
mkdir -p "$dir" /var/log/redis
echo "ensure-redis: starting redis-server on $bind:$port" >&2
# appendonly: a restarted server keeps the queue (jobs in flight, shared execution cache).
args=(--port "$port" --bind "$bind" --dir "$dir" --daemonize yes --logfile /var/log/redis/redis-"$port".log
  --appendonly yes --maxmemory-policy noeviction)
if [ -n "${REDIS_PASSWORD:-}" ]; then args+=(--requirepass "$REDIS_PASSWORD"); fi
redis-server "${args[@]}"
for _ in $(seq 1 30); do
  ping && break
  sleep 0.5
done
ping || { echo "ensure-redis: redis-server did not come up, see /var/log/redis/redis-$port.log" >&2; exit 1; }
