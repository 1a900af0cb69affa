#!/usr/bin/env bash
# Start PostgreSQL (127.0.0.1:5433) and Kafka (127.0.0.1:9092), and install grpcurl into .infra/bin. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/postgres/start.sh"
bash "$here/kafka/start.sh"
# grpcurl for the reflection test (services/embedded/src/reflection.e2e.spec.ts); needs Go.
bash "$here/grpcurl/install.sh" >/dev/null || echo "warning: grpcurl not installed; REQUIRE_INFRA=1 npm test will fail the reflection test" >&2
echo "DATABASE_URL=postgres://prm:prm@127.0.0.1:${PRM_PG_PORT:-5433}/prm"
echo "KAFKA_BROKERS=127.0.0.1:${PRM_KAFKA_PORT:-9092}"
