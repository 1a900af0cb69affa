#!/usr/bin/env bash
# Empty the local Kafka: stop it, delete its data (every topic and consumer offset), start it
# again (start.sh formats fresh storage). For after a benchmark that published to the
# platform's topics (bench/README.md, `commands`): consumers that start from the beginning, as
# the tests' do, would otherwise read all of it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
bash "$HERE/stop.sh"
klog "deleting $KAFKA_DATA"
rm -rf "$KAFKA_DATA"
bash "$HERE/start.sh"
