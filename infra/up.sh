#!/usr/bin/env bash
# Start PostgreSQL (127.0.0.1:5433) and Kafka (127.0.0.1:9092). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/postgres/start.sh"
bash "$here/kafka/start.sh"
echo "DATABASE_URL=postgres://prm:prm@127.0.0.1:${PRM_PG_PORT:-5433}/prm"
echo "KAFKA_BROKERS=127.0.0.1:${PRM_KAFKA_PORT:-9092}"
