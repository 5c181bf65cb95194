#!/usr/bin/env bash
# Runs every benchmark in turn (release builds); each prints its own table. See docs/performance.md.
# Usage: Benchmarks/run.sh [kafka|publish|language|worker|autoscaling|ingest|postgres ...]  (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build-bench}"
export SCRATCH="$scratch"
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=(kafka publish language worker autoscaling ingest postgres)

for name in "${selected[@]}"; do
    echo "## $name"
    case "$name" in
        kafka) Benchmarks/kafka/run.sh ;;
        publish) Benchmarks/publish/run.sh ;;
        language)
            swift build -c release --scratch-path "$scratch" --product LanguageBenchmark >&2
            "$scratch/release/LanguageBenchmark" 21 ;;
        worker) Benchmarks/worker/run.sh ;;
        autoscaling)
            swift build -c release --scratch-path "$scratch" --product AutoscalingSimulation >&2
            "$scratch/release/AutoscalingSimulation" Benchmarks/autoscaling/results ;;
        ingest) connectors/HTTPIngest/Benchmark/run.sh ;;
        postgres) connectors/PostgreSQL/Benchmark/run.sh ;;
        *) echo "unknown benchmark: $name (kafka, publish, language, worker, autoscaling, ingest, postgres)" >&2; exit 64 ;;
    esac
done
