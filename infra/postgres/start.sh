#!/usr/bin/env bash
# Start a dedicated PostgreSQL cluster for this repo's tests (Debian packages,
# pg_createcluster). Idempotent: safe to run while it is already running.
#
#   URL:   postgres://prm:prm@127.0.0.1:5433/prm   (role prm has CREATEDB)
#   env:   PRM_PG_VERSION (default: 15 if installed, else newest installed)
#          PRM_PG_CLUSTER (default prm), PRM_PG_PORT (default 5433)
#          PRM_PG_START_TIMEOUT seconds (default 60)
set -euo pipefail

CLUSTER="${PRM_PG_CLUSTER:-prm}"
PORT="${PRM_PG_PORT:-5433}"
TIMEOUT="${PRM_PG_START_TIMEOUT:-60}"
DB_USER=prm DB_PASS=prm DB_NAME=prm

log() { printf '[postgres] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_pg() { as_root runuser -u postgres -- "$@"; }

LOG_FILE=""   # known once the version is known
die() {
  printf '[postgres] ERROR: %s\n' "$1" >&2
  if [ -n "$LOG_FILE" ]; then
    printf '[postgres] log file: %s\n' "$LOG_FILE" >&2
    if as_root test -r "$LOG_FILE"; then
      printf '[postgres] --- last lines of the log ---\n' >&2
      as_root tail -n 30 "$LOG_FILE" >&2 || true
    fi
  fi
  exit 1
}

# --- 1. make sure the server packages are installed ------------------------
pick_version() {
  if [ -n "${PRM_PG_VERSION:-}" ]; then echo "$PRM_PG_VERSION"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/postgres ]; then echo 15; return; fi
  ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1 || true
}
VER="$(pick_version)"
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$VER" ] || [ ! -x "/usr/lib/postgresql/$VER/bin/postgres" ]; then
  log "PostgreSQL server not installed; installing Debian package 'postgresql'"
  apt_log="$(mktemp /tmp/prm-apt-postgresql.XXXXXX.log)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive bash -c \
        'apt-get update && apt-get install -y --no-install-recommends postgresql postgresql-contrib' >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2 || true
    LOG_FILE="$apt_log"; die "apt-get install postgresql failed"
  fi
  VER="$(pick_version)"
  [ -n "$VER" ] && [ -x "/usr/lib/postgresql/$VER/bin/postgres" ] \
    || { LOG_FILE="$apt_log"; die "postgresql installed but no server binary found under /usr/lib/postgresql"; }
fi
LOG_FILE="/var/log/postgresql/postgresql-$VER-$CLUSTER.log"
CONF_DIR="/etc/postgresql/$VER/$CLUSTER"

# --- 2. create the dedicated cluster once -----------------------------------
cluster_exists() { [ -f "$CONF_DIR/postgresql.conf" ]; }
if ! cluster_exists; then
  log "creating cluster $VER/$CLUSTER on port $PORT"
  as_root pg_createcluster "$VER" "$CLUSTER" --port "$PORT" --start-conf manual \
      -- --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
    || die "pg_createcluster $VER $CLUSTER failed"
fi

# --- 3. our settings (rewritten every time; restart if they changed) ---------
CONF_FILE="$CONF_DIR/conf.d/90-prm.conf"
WANT="$(cat <<CONF
# Managed by infra/postgres/start.sh; rewritten on every start.
listen_addresses = '127.0.0.1'
port = $PORT
max_connections = 200
shared_buffers = 256MB
# honest durability: keep fsync and synchronous_commit on
fsync = on
synchronous_commit = on
full_page_writes = on
CONF
)"
conf_changed=0
if [ "$(as_root cat "$CONF_FILE" 2>/dev/null || true)" != "$WANT" ]; then
  as_root mkdir -p "$CONF_DIR/conf.d"
  printf '%s\n' "$WANT" | as_root tee "$CONF_FILE" >/dev/null
  as_root chown postgres:postgres "$CONF_FILE" 2>/dev/null || true
  conf_changed=1
fi
# the port in postgresql.conf itself must agree too (pg_lsclusters reads it)
as_root pg_conftool "$VER" "$CLUSTER" set port "$PORT" >/dev/null 2>&1 || true

# --- 4. start -----------------------------------------------------------------
as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
is_running() { as_root pg_ctlcluster "$VER" "$CLUSTER" status >/dev/null 2>&1; }
if is_running; then
  if [ "$conf_changed" = 1 ]; then
    log "settings changed; restarting cluster $VER/$CLUSTER"
    as_root pg_ctlcluster "$VER" "$CLUSTER" restart -m fast || die "pg_ctlcluster restart failed"
  else
    log "cluster $VER/$CLUSTER already running"
  fi
else
  # something else on the port? (another cluster, a container...)
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT on 127.0.0.1 is already in use by another process (cluster $VER/$CLUSTER is not running)"
  fi
  log "starting cluster $VER/$CLUSTER"
  as_root pg_ctlcluster "$VER" "$CLUSTER" start || die "pg_ctlcluster $VER $CLUSTER start failed"
fi

# --- 5. wait until it accepts connections ------------------------------------
PG_ISREADY="/usr/lib/postgresql/$VER/bin/pg_isready"
deadline=$((SECONDS + TIMEOUT))
until "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -t 2; do
  is_running || die "cluster $VER/$CLUSTER is not running (it exited during startup)"
  [ "$SECONDS" -lt "$deadline" ] || die "PostgreSQL did not accept connections on 127.0.0.1:$PORT within ${TIMEOUT}s"
  sleep 0.5
done

# --- 6. role and database -----------------------------------------------------
psql_admin() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$PORT" -d postgres "$@"; }
psql_admin >/dev/null <<SQL || die "could not create role/database $DB_USER"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL

URL="postgres://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
# --- 7. check with the real URL -------------------------------------------------
psql -X -q -v ON_ERROR_STOP=1 "$URL" -tAc 'SELECT 1' >/dev/null 2>&1 \
  || die "PostgreSQL is up but '$URL' does not work (auth?)"

log "ready: $URL"
echo "$URL"
