#!/usr/bin/env bash
# Kafka client benchmark: Swift producer/consumer vs librdkafka from C, on one embedded cluster.
# Usage: Benchmarks/kafka/run.sh [--messages N] [--rounds N] [--partitions N]
# Builds in release mode (scratch path .build-bench unless SCRATCH is set), compiles baseline.c,
# and prints the medians as a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build-bench}"
mkdir -p "$scratch"
cc -O2 -Wall -Wextra -o "$scratch/kafka-baseline" Benchmarks/kafka/baseline.c $(pkg-config --cflags --libs rdkafka)
swift build -c release --scratch-path "$scratch" --product KafkaBenchmark
exec "$scratch/release/KafkaBenchmark" --baseline "$scratch/kafka-baseline" "$@"
