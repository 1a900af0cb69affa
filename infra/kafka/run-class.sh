#!/usr/bin/env bash
# Run a class from the cached Kafka classpath (like Kafka's bin/kafka-run-class.sh).
# Needs start.sh to have run once (it downloads the jars). Examples:
#   infra/kafka/run-class.sh org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#   infra/kafka/run-class.sh org.apache.kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:9092 --topic t
#   infra/kafka/run-class.sh org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 --topic t --from-beginning
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
[ -f "$KAFKA_HOME/.complete" ] || { echo "[kafka] ERROR: no jars in $KAFKA_LIBS; run infra/kafka/start.sh first" >&2; exit 1; }
[ -f "$KAFKA_TOOLS_LOG4J" ] || { mkdir -p "$KAFKA_DIR"; printf '%s\n' '<Configuration status="WARN"><Appenders><Console name="e" target="SYSTEM_ERR"><PatternLayout pattern="%p %m%n"/></Console></Appenders><Loggers><Root level="WARN"><AppenderRef ref="e"/></Root></Loggers></Configuration>' >"$KAFKA_TOOLS_LOG4J"; }
kafka_run_class "$@"
