# shellcheck shell=bash disable=SC2034
# Shared settings for infra/kafka/*.sh (sourced, not executed).
# Env vars (all optional):
#   PRM_KAFKA_VERSION     Kafka version from Maven Central (default 4.4.0)
#   PRM_CACHE_DIR         download cache root (default $HOME/.cache/prm)
#   PRM_INFRA_DIR         runtime root; Kafka uses $PRM_INFRA_DIR/kafka (default <repo>/.infra)
#   PRM_KAFKA_PORT        PLAINTEXT port (default 9092); controller port (default 9093): PRM_KAFKA_CONTROLLER_PORT
#   PRM_KAFKA_HEAP_OPTS   broker heap (default "-Xms256m -Xmx1G")
#   PRM_KAFKA_JIT_OPTS    broker JIT (default "-XX:TieredStopAtLevel=1"; "" = the JVM's full tiered JIT)
#   PRM_KAFKA_START_TIMEOUT / PRM_KAFKA_STOP_TIMEOUT  seconds (default 60 / 30)

KAFKA_VERSION="${PRM_KAFKA_VERSION:-4.4.0}"
KAFKA_SCALA="2.13"
KAFKA_HOST="127.0.0.1"
KAFKA_PORT="${PRM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${PRM_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
# bindings so the broker logs through log4j2 (Kafka 4 logs via slf4j + log4j2)
LOG4J_VERSION="2.25.5"
SLF4J_VERSION="2.0.17"

_KAFKA_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$_KAFKA_SCRIPT_DIR/../.." && pwd)"

CACHE_ROOT="${PRM_CACHE_DIR:-$HOME/.cache/prm}"

case "$CACHE_ROOT" in /*) ;; *) CACHE_ROOT="$PWD/$CACHE_ROOT" ;; esac
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"     # libs/ + .complete marker
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DIR="${PRM_INFRA_DIR:-$REPO_ROOT/.infra}/kafka"
case "$KAFKA_DIR" in /*) ;; *) KAFKA_DIR="$PWD/$KAFKA_DIR" ;; esac
KAFKA_DATA="$KAFKA_DIR/data"              # log.dirs (topics, offsets, KRaft metadata)
KAFKA_LOGS="$KAFKA_DIR/logs"              # server.log (log4j2) + kafka.out (stdout/stderr)
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_CONFIG="$KAFKA_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_DIR/log4j2.xml"
KAFKA_TOOLS_LOG4J="$KAFKA_DIR/tools-log4j2.xml"
KAFKA_SERVER_LOG="$KAFKA_LOGS/server.log"
KAFKA_OUT_LOG="$KAFKA_LOGS/kafka.out"

KAFKA_START_TIMEOUT="${PRM_KAFKA_START_TIMEOUT:-60}"
KAFKA_STOP_TIMEOUT="${PRM_KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${PRM_KAFKA_HEAP_OPTS:--Xms256m -Xmx1G}"
# The broker here shares a small machine with the services, PostgreSQL and the tests. With the
# full tiered JIT its C2 compiler takes a whole core in bursts of a few hundred ms for minutes
# after each start (≈ 16 % of a core on average over the first 42 s, measured), which shows
# as latency spikes in everything else; C1 alone compiles in a fraction of that and costs the
# data plane ~10 % more CPU at this scale (services/metrics/README.md, live lag). A production
# broker runs on its own machine with its default JIT.
KAFKA_JIT_OPTS="${PRM_KAFKA_JIT_OPTS--XX:TieredStopAtLevel=1}"

JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

klog() { printf '[kafka] %s\n' "$*"; }

# pid of the running broker (from the pid file), or nothing
kafka_running_pid() {
  local pid
  [ -f "$KAFKA_PID_FILE" ] || return 1
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: must be our java running kafka.Kafka
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Run a Kafka class (tool) from the cached classpath, logging WARN+ to stderr.
kafka_run_class() {
  "$JAVA_BIN" -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$KAFKA_TOOLS_LOG4J" \
    -cp "$KAFKA_LIBS/*" "$@"
}
