#!/usr/bin/env bash
# Stop the dedicated PostgreSQL cluster started by start.sh (only that cluster).
# Safe when it is not running or does not exist. Data is kept.
set -euo pipefail

CLUSTER="${PRM_PG_CLUSTER:-prm}"
log() { printf '[postgres] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "pg_ctlcluster not installed; nothing to stop"; exit 0
fi
found=0
for conf in /etc/postgresql/*/"$CLUSTER"/postgresql.conf; do
  [ -f "$conf" ] || continue
  VER="$(basename "$(dirname "$(dirname "$conf")")")"
  if [ -n "${PRM_PG_VERSION:-}" ] && [ "$VER" != "$PRM_PG_VERSION" ]; then continue; fi
  found=1
  if as_root pg_ctlcluster "$VER" "$CLUSTER" status >/dev/null 2>&1; then
    log "stopping cluster $VER/$CLUSTER"
    as_root pg_ctlcluster "$VER" "$CLUSTER" stop -m fast -- -t 60 \
      || { echo "[postgres] ERROR: could not stop cluster $VER/$CLUSTER; log file: /var/log/postgresql/postgresql-$VER-$CLUSTER.log" >&2; exit 1; }
    log "stopped"
  else
    log "cluster $VER/$CLUSTER not running"
  fi
done
[ "$found" = 1 ] || log "no cluster named $CLUSTER; nothing to stop"
