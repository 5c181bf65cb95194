#!/usr/bin/env bash
# Worker benchmark: DF passthrough vs a pipelined librdkafka relay in C, CF and ED forward, a
# Python exec handler vs the same transform in a hand-written confluent-kafka loop, ED latency,
# memory.
# Usage: Benchmarks/worker/run.sh [--messages N] [--rates R,R...] [--seconds S] [--rows relay,DF,CF,ED,exec,python]
# Builds WorkerBenchmark in release mode (scratch path .build-bench unless SCRATCH is set),
# compiles relay.c, makes a Python virtual environment with confluent-kafka from PyPI under the
# scratch path, and prints markdown tables. Workers are WorkerBenchmark children in worker mode,
# which run a stage exactly as `packetflow worker` does (WorkerLauncher).
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build-bench}"
mkdir -p "$scratch"
cc -O2 -Wall -Wextra -o "$scratch/worker-relay" Benchmarks/worker/relay.c $(pkg-config --cflags --libs rdkafka)
if [ ! -x "$scratch/venv/bin/python" ]; then
    python3 -m venv "$scratch/venv"
    "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check confluent-kafka
fi
swift build -c release --scratch-path "$scratch" --product WorkerBenchmark
exec "$scratch/release/WorkerBenchmark" --relay "$scratch/worker-relay" --python "$scratch/venv/bin/python" "$@"
