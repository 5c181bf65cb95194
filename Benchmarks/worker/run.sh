#!/usr/bin/env bash
# Worker benchmark: DF passthrough vs a pipelined librdkafka relay in C, CF and ED forward, ED latency, memory.
# Usage: Benchmarks/worker/run.sh [--messages N] [--rates R,R...] [--seconds S]
# Builds WorkerBenchmark in release mode (scratch path .build-bench unless SCRATCH is set),
# compiles relay.c, and prints a markdown table. Workers are WorkerBenchmark children in
# worker mode, which run a stage exactly as `packetflow worker` does (WorkerLauncher).
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build-bench}"
mkdir -p "$scratch"
cc -O2 -Wall -Wextra -o "$scratch/worker-relay" Benchmarks/worker/relay.c $(pkg-config --cflags --libs rdkafka)
swift build -c release --scratch-path "$scratch" --product WorkerBenchmark
exec "$scratch/release/WorkerBenchmark" --relay "$scratch/worker-relay" "$@"
