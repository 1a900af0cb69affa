#!/usr/bin/env bash
# Stop Kafka and PostgreSQL (data is kept). Tries both even if one fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
bash "$here/kafka/stop.sh" || rc=1
bash "$here/postgres/stop.sh" || rc=1
exit "$rc"
