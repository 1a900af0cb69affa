#!/usr/bin/env bash
# Stop the Kafka started by start.sh: SIGTERM (controlled shutdown), wait,
# SIGKILL after PRM_KAFKA_STOP_TIMEOUT seconds. Data is kept. Safe when not running.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

[ -d "$KAFKA_DIR" ] || { klog "not running (no $KAFKA_DIR)"; exit 0; }
exec 8>"$KAFKA_DIR/.lock"
flock -w 120 8 || { echo "[kafka] ERROR: another infra/kafka script holds $KAFKA_DIR/.lock" >&2; exit 1; }

if ! pid="$(kafka_running_pid)"; then
  rm -f "$KAFKA_PID_FILE"
  klog "not running"
  exit 0
fi
klog "stopping Kafka (pid $pid)"
t0=$SECONDS
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then
  klog "still running after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL (log: $KAFKA_SERVER_LOG)"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[kafka] ERROR: pid $pid survived SIGKILL; log file: $KAFKA_SERVER_LOG" >&2
    exit 1
  fi
fi
rm -f "$KAFKA_PID_FILE"
klog "stopped in $((SECONDS - t0))s"
